/**
 * The battle screen around the map: its header (the room's friendly name, sound, leave, the room's
 * link) and, on phones, the sheet beside or under the map that shows the scores or the chat.
 */
import { roomNameOf, roomNameParts, type RoomNameParts } from "../server/shared/roomNames";
import { byId } from "./dom";
import { currentLanguage, t } from "./i18n";
import type { SoundCues } from "./sound";

/** How long "Copied" stays on the copy button. */
export const COPIED_SHOWN_MS = 1500;

/** What the phone's sheet shows: the scores (at first) or the chat. */
export type Sheet = "scores" | "chat";

export class BattleChrome {
  private readonly roomName = byId("room-name");
  private readonly link = byId<HTMLInputElement>("invite-link");
  private readonly copy = byId<HTMLButtonElement>("copy-link");
  private readonly soundToggle = byId<HTMLButtonElement>("sound-toggle");
  private readonly chatToggle = byId<HTMLButtonElement>("chat-toggle");
  private readonly scoresToggle = byId<HTMLButtonElement>("scores-toggle");
  private readonly chatInput = byId<HTMLInputElement>("chat-input");
  private copiedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly sound: SoundCues) {
    this.showSound();
    this.soundToggle.addEventListener("click", () => {
      sound.setEnabled(!sound.enabled);
      this.showSound();
    });
    this.copy.addEventListener("click", () => void this.copyLink());
    this.chatToggle.addEventListener("click", () => this.open(document.body.classList.contains("chat-open") ? "scores" : "chat"));
    this.scoresToggle.addEventListener("click", () => this.open("scores"));
  }

  /** A battle began in room `roomId`, whose address is `link`; its name, until the server's arrives, from the id. */
  enter(roomId: string, link: string): void {
    this.named(roomNameParts(roomId));
    // The id in the tooltip: what a player reads out when the name is not enough.
    this.roomName.title = roomId;
    this.link.value = link;
    this.open("scores");
  }

  /** The room's name as the server gave it (BattleState `nameModifier`, `nameNoun`). */
  named(parts: RoomNameParts): void {
    const name = roomNameOf(parts, currentLanguage());
    this.roomName.textContent = name;
    document.title = t("page.titleBattle", { room: name });
  }

  leave(): void {
    document.title = t("page.title");
    this.open("scores");
  }

  /** Shows one side of the sheet; the chat's box gets the focus so the keyboard comes up. */
  open(sheet: Sheet): void {
    document.body.classList.toggle("chat-open", sheet === "chat");
    this.chatToggle.setAttribute("aria-expanded", String(sheet === "chat"));
    this.scoresToggle.setAttribute("aria-expanded", String(sheet === "scores"));
    if (sheet === "chat") this.chatInput.focus();
  }

  private showSound(): void {
    this.soundToggle.setAttribute("aria-pressed", String(this.sound.enabled));
  }

  private async copyLink(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.link.value);
    } catch {
      // No clipboard (an insecure origin, a refusal): leave the link selected to copy by hand.
      this.link.select();
      return;
    }
    this.copy.textContent = t("battle.copied");
    clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => (this.copy.textContent = t("battle.copyLink")), COPIED_SHOWN_MS);
  }
}

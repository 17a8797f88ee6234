/** The chat beside the battle, in the battle's own channel. Lines are text, never HTML. */
import type { Client } from "colyseus.js";
import { type ErrorPayload } from "../server/shared/codes";
import { ClientMessage, ServerMessage } from "../server/shared/messages";
import { RoomName, SystemLineCode, type ChatLine, type JoinChatOptions } from "../server/shared/payloads";
import { byId, el, isolated } from "./dom";
import { formatStamp, formatTime, refusalText, t, type MessageKey } from "./i18n";
import { translatedNodes } from "./i18n/dom";
import { describeJoinError, keepConnected, type LinkStatus } from "./net";
import { onMessage, roomsOf, send, type GameRoom } from "./rooms";
import type { ChatStateView, ClientStates } from "./state";

/** Lines kept in the chat log (older ones scroll away for good). */
export const CHAT_LOG_LINES = 200;

/** A line's server time (UTC milliseconds) in the player's locale and own time zone; date and seconds on hover. */
export function localTime(utcMs: number): HTMLTimeElement {
  const time = el("time", "time", formatTime(utcMs));
  time.dateTime = new Date(utcMs).toISOString();
  time.title = formatStamp(utcMs);
  return time;
}

/**
 * What a chat line shows, by its kind: who said it (for a player's line) and the words. The one
 * place that turns a line into words: a system line is worded from its code in the player's
 * language; one without a code the client knows (kept from an older server, or from a newer one)
 * shows the server's own text.
 */
export function lineWords(line: ChatLine): { name?: string; text: string } {
  switch (line.kind) {
    case "user":
      return { name: line.name, text: line.text };
    case "system":
      return { text: systemWords(line) };
    default:
      return unreachable(line.kind);
  }
}

/** The catalog key of a system line that names a member, if the client knows its code. */
function systemNameKey(line: ChatLine): MessageKey | undefined {
  switch (line.code) {
    case SystemLineCode.joined:
      return "chat.system.joined";
    case SystemLineCode.left:
      return "chat.system.left";
    default:
      return undefined;
  }
}

function isolatedSentence(key: MessageKey, name: string): HTMLElement {
  const text = el("span", "text");
  text.append(...translatedNodes(key, { name: isolated(name) }));
  return text;
}

function systemWords(line: ChatLine): string {
  const key = systemNameKey(line);
  return key ? t(key, { name: line.name }) : line.text;
}

/** A kind the switch forgot fails the type check here. */
function unreachable(kind: never): never {
  throw new Error(`unknown chat line kind ${String(kind)}`);
}

export class ChatPanel {
  private readonly log = byId("chat-log");
  private readonly form = byId<HTMLFormElement>("chat-form");
  private readonly input = byId<HTMLInputElement>("chat-input");
  private room: GameRoom<"chat", ChatStateView> | null = null;
  private leave: (() => Promise<void>) | null = null;
  /** Highest line id shown, so history after a reconnection adds no duplicates. */
  private lastLineId = 0;
  private readonly controller = new AbortController();
  /** How the chat was joined: a move (the server drains) joins the same way, from the last line seen. */
  private joined: { client: Client; options: JoinChatOptions; onStatus: (status: LinkStatus) => void } | null = null;

  constructor() {
    this.log.replaceChildren();
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value;
      if (!text.trim() || !this.room?.connection?.isOpen) return;
      send(this.room, ClientMessage.chat, { text });
      this.input.value = "";
    }, { signal: this.controller.signal });
  }

  async join(client: Client, options: JoinChatOptions, onStatus: (status: LinkStatus) => void): Promise<void> {
    this.joined = { client, options, onStatus };
    const room = await roomsOf<ClientStates>(client).joinOrCreate(RoomName.chat, options);
    // The player left the battle while the chat was still joining.
    if (this.controller.signal.aborted) return void (await room.leave(true));
    this.leave = keepConnected(client, room, {
      onRoom: (next) => this.bind(next),
      onStatus,
    });
  }

  private bind(room: GameRoom<"chat", ChatStateView>): void {
    const reconnected = this.room !== null;
    this.room = room;
    onMessage(room, ServerMessage.history, (history) => {
      // A gap: lines missed that the server no longer keeps, said as such rather than left out.
      if (history.gap) this.append(el("div", "line system gap", t("chat.gap")));
      history.lines.forEach((line) => this.add(line));
      if (history.more) send(room, ClientMessage.historyMore);
    });
    onMessage(room, ServerMessage.chat, (line) => this.add(line));
    onMessage(room, ServerMessage.error, (error) => this.refused(error));
    onMessage(room, ServerMessage.reported, () => this.append(el("div", "line system", t("chat.reported"))));
    onMessage(room, ServerMessage.shutdown, (notice) =>
      this.append(el("div", "line system", t("shutdown.chat", { seconds: Math.ceil(notice.inMs / 1000) }))),
    );
    onMessage(room, ServerMessage.move, () => void this.move());
    // Back with the reconnection token: ask for exactly the lines said while this member was away.
    if (reconnected) send(room, ClientMessage.resume, { since: this.lastLineId });
  }

  /**
   * The server drains for a deploy: leave (every line sent so far arrives before the leave) and join
   * the channel again through matchmaking, which places it on another process; `since` brings the
   * lines said meanwhile, and ids already shown are skipped.
   */
  private async move(): Promise<void> {
    if (!this.joined || this.controller.signal.aborted) return;
    const { client, options, onStatus } = this.joined;
    this.append(el("div", "line system", t("chat.moving")));
    await this.leave?.();
    this.leave = null;
    this.room = null;
    try {
      await this.join(client, { ...options, since: this.lastLineId }, onStatus);
    } catch (error) {
      onStatus({ kind: "lost", reason: describeJoinError(error) });
    }
  }

  private add(line: ChatLine): void {
    if (line.id <= this.lastLineId) return;
    this.lastLineId = line.id;
    const row = el("div", `line ${line.kind}`);
    row.dataset.id = String(line.id);
    row.dataset.playerId = line.playerId;
    row.append(localTime(line.time));
    const words = lineWords(line);
    if (words.name !== undefined) row.append(isolated(words.name, "name"));
    const name = line.kind === "system" ? systemNameKey(line) : undefined;
    // A joined/left line: the catalog's sentence with the name isolated inside it.
    row.append(name ? isolatedSentence(name, line.name) : isolated(words.text, "text"));
    // Another player's line can be reported to the moderators: a real button, so Tab and Enter reach it.
    if (line.kind === "user" && line.sessionId !== this.room?.sessionId) row.append(this.reportButton(line.id));
    this.append(row);
  }

  private reportButton(lineId: number): HTMLButtonElement {
    const button = el("button", "report", "⚑");
    button.type = "button";
    button.title = t("chat.report");
    button.setAttribute("aria-label", t("chat.report"));
    button.addEventListener("click", () => {
      if (this.room?.connection?.isOpen) send(this.room, ClientMessage.report, { lineId });
    }, { signal: this.controller.signal });
    return button;
  }

  private refused(error: ErrorPayload): void {
    this.append(el("div", "line refusal", t("chat.notSent", { reason: refusalText(error.code) })));
  }

  private append(row: HTMLElement): void {
    const atBottom = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 4;
    this.log.append(row);
    while (this.log.children.length > CHAT_LOG_LINES) this.log.firstElementChild!.remove();
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  async dispose(): Promise<void> {
    this.controller.abort();
    await this.leave?.();
    this.room = null;
  }
}

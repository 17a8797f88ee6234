/**
 * The controls hint inside the battle, on a player's first battle only: keys on a keyboard device,
 * gestures on a touch screen (the page shows the matching line). Dismissed with its button, and
 * remembered in localStorage so it never comes back on this browser.
 */
import { byId } from "./dom";

/** localStorage key set once the hint was dismissed. */
export const HINT_SEEN_KEY = "battle.hintSeen";

export class ControlsHint {
  private readonly box = byId("hint");
  private readonly dismissButton = byId<HTMLButtonElement>("hint-dismiss");

  constructor(private readonly storage: Storage) {
    this.dismissButton.addEventListener("click", () => this.dismiss());
  }

  /** Shows the hint unless this browser has dismissed it before. */
  showIfNew(): void {
    this.box.hidden = this.storage.getItem(HINT_SEEN_KEY) !== null;
  }

  /** Hides it for now, as when the player leaves the battle (not remembered). */
  hide(): void {
    this.box.hidden = true;
  }

  dismiss(): void {
    this.storage.setItem(HINT_SEEN_KEY, "1");
    this.box.hidden = true;
    // The hint took the click; play goes on with the keys.
    byId("canvas").focus();
  }
}

/**
 * The own player at the display rate: the prediction moves in whole steps at the 20 Hz input pace,
 * and the screen walks each step over GLIDE_MS from where it drew the player, so the player moves
 * on every frame and is never drawn past the prediction nor pulled back.
 * Pure: time is passed in, so it is tested without a browser.
 */
import type { Point } from "../server/shared/game";
import { TICK_MS } from "../server/shared/tuning";

/**
 * One input interval plus one 60 Hz frame: a next input that comes a little late still finds the
 * glide moving, so no frame stands still while a key is held.
 */
export const GLIDE_MS = TICK_MS + 1000 / 60;

export class Glide {
  private from: Point | null = null;
  private to: Point | null = null;
  private startMs = 0;

  /** The prediction moved to `to` by an input at `now`: walk there from where it is drawn now. */
  step(to: Point, now: number): void {
    this.from = this.at(now) ?? to;
    this.to = { x: to.x, y: to.y };
    this.startMs = now;
  }

  /** The prediction was reset (the first patch, a spawn, a correction): draw it there at once. */
  jump(to: Point): void {
    this.from = this.to = { x: to.x, y: to.y };
  }

  /** Where the prediction is going; null before the first position. */
  get target(): Point | null {
    return this.to;
  }

  /** Where to draw the player at `now`. */
  at(now: number): Point | null {
    const { from, to } = this;
    if (!from || !to) return null;
    const t = Math.min(1, Math.max(0, (now - this.startMs) / GLIDE_MS));
    return { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t };
  }
}

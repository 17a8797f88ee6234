/**
 * Smooth movement of the other players: positions are kept with the server time of their patch
 * and drawn INTERPOLATION_DELAY_MS in the past, between the two patches around that moment.
 * Pure: time is passed in, so it is tested without a browser.
 */
import { STEP_PER_TICK, type Point } from "../server/shared/game";
import { TICK_MS } from "../server/shared/tuning";

/** About two patches behind: one late patch still finds a later sample to move towards. */
export const INTERPOLATION_DELAY_MS = 2 * TICK_MS;
/** Samples kept per player (1 s of patches). */
export const INTERPOLATION_BUFFER = 20;
/** A jump longer than a few steps between two patches is a respawn: it snaps, it does not glide. */
export const TELEPORT_DISTANCE = 3 * STEP_PER_TICK;

interface Sample extends Point {
  time: number;
}

export class Interpolator {
  private samples: Sample[] = [];

  /** Adds the position a patch carried at server time `time` (ms); older or equal times are ignored. */
  push(time: number, at: Point): void {
    const last = this.samples[this.samples.length - 1];
    if (last && time <= last.time) return;
    this.samples.push({ time, x: at.x, y: at.y });
    if (this.samples.length > INTERPOLATION_BUFFER) this.samples.shift();
  }

  /** The position at server time `time`: between two samples, or the nearest end of the buffer. */
  at(time: number): Point | null {
    const s = this.samples;
    if (s.length === 0) return null;
    if (time <= s[0].time) return { x: s[0].x, y: s[0].y };
    for (let i = 1; i < s.length; i++) {
      const a = s[i - 1];
      const b = s[i];
      if (time > b.time) continue;
      if (Math.hypot(b.x - a.x, b.y - a.y) > TELEPORT_DISTANCE) return time < b.time ? { x: a.x, y: a.y } : { x: b.x, y: b.y };
      const f = (time - a.time) / (b.time - a.time);
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
    const last = s[s.length - 1];
    return { x: last.x, y: last.y };
  }
}

/**
 * The server tick the screen shows at server time `serverNow`: others are drawn
 * INTERPOLATION_DELAY_MS behind it, so that is the moment an attack names (`attack { tick }`).
 */
export function shownTick(serverNow: number): number {
  return Math.max(0, Math.round((serverNow - INTERPOLATION_DELAY_MS) / TICK_MS));
}

/** Largest step the offset takes towards a later-arriving patch (ms per patch): drift, not jitter. */
export const CLOCK_DRIFT_PER_PATCH_MS = 1;

/**
 * Maps local time to server time (tick * TICK_MS). The offset follows the earliest arrivals: a
 * patch that arrives early lowers it at once, late ones (jitter) raise it by at most
 * CLOCK_DRIFT_PER_PATCH_MS each, so the drawn timeline keeps an even pace.
 */
export class ServerClock {
  private offset: number | null = null;

  /** A patch stamped `serverTime` arrived at local time `localTime`. */
  observe(serverTime: number, localTime: number): void {
    const sample = localTime - serverTime;
    if (this.offset === null || sample < this.offset) this.offset = sample;
    else this.offset = Math.min(sample, this.offset + CLOCK_DRIFT_PER_PATCH_MS);
  }

  /** Server time now, or null before the first patch. */
  now(localTime: number): number | null {
    return this.offset === null ? null : localTime - this.offset;
  }

  /** Forget the offset (after a reconnection the path may be different). */
  reset(): void {
    this.offset = null;
  }
}

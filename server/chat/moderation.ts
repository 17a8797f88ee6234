import { MUTE_MAX_S } from "../shared/protocol";

/** Result of a moderation call, shaped for the monitor's room-call API (plain JSON). */
export type ModerationResult = { ok: true } | { ok: false; reason: string };

/**
 * Checks a moderator's mute arguments. They arrive as JSON from the monitor, so nothing is trusted;
 * an absent duration means the longest mute.
 */
export function parseMuteSeconds(seconds: unknown): number | null {
  if (seconds === undefined) return MUTE_MAX_S;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0 || seconds > MUTE_MAX_S) return null;
  return seconds;
}

/** Who is muted until when (ms). Entries go when the member leaves or the mute ends. */
export class Mutes {
  private until = new Map<string, number>();

  mute(sessionId: string, seconds: number, now: number): void {
    this.until.set(sessionId, now + seconds * 1000);
  }

  unmute(sessionId: string): boolean {
    return this.until.delete(sessionId);
  }

  /** Milliseconds of mute left for `sessionId` (0: may speak). */
  remainingMs(sessionId: string, now: number): number {
    const until = this.until.get(sessionId);
    if (until === undefined) return 0;
    if (now < until) return until - now;
    this.until.delete(sessionId);
    return 0;
  }
}

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

/**
 * Who is muted until when (ms), by player id: a mute outlasts leaving and joining again. Entries go
 * when the mute ends (ended ones are swept at every new mute, so only live mutes take memory).
 */
export class Mutes {
  private until = new Map<string, number>();

  mute(playerId: string, seconds: number, now: number): void {
    for (const [id, end] of this.until) if (end <= now) this.until.delete(id);
    this.until.set(playerId, now + seconds * 1000);
  }

  unmute(playerId: string): boolean {
    return this.until.delete(playerId);
  }

  /** Milliseconds of mute left for `playerId` (0: may speak). */
  remainingMs(playerId: string, now: number): number {
    const until = this.until.get(playerId);
    if (until === undefined) return 0;
    if (now < until) return until - now;
    this.until.delete(playerId);
    return 0;
  }
}

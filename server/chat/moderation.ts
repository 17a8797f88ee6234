import type { Presence } from "@colyseus/core";
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

/** The presence key of a mute: in presence, so it outlives its room and holds on every process. */
const muteKey = (id: string) => `mute:${id}`;

/**
 * Who is muted until when (ms), by player id (or a guest's address): kept in presence with its own
 * expiry, so a mute outlasts leaving, the room itself, and holds in every room on every process.
 * This room's own mutes are also kept locally (swept at every new mute), so a mute holds at once.
 */
export class Mutes {
  private until = new Map<string, number>();

  constructor(private readonly presence: Presence) {}

  mute(playerId: string, seconds: number, now: number): void {
    for (const [id, end] of this.until) if (end <= now) this.until.delete(id);
    this.until.set(playerId, now + seconds * 1000);
    void Promise.resolve(this.presence.setex(muteKey(playerId), String(now + seconds * 1000), Math.ceil(seconds))).catch(() => {});
  }

  /** Lifts the mute everywhere; true when this room knew of it. */
  unmute(playerId: string): boolean {
    void Promise.resolve(this.presence.del(muteKey(playerId))).catch(() => {});
    return this.until.delete(playerId);
  }

  /** Milliseconds of mute left for `playerId` (0: may speak), wherever the mute was given. */
  async remainingMs(playerId: string, now: number): Promise<number> {
    const local = this.until.get(playerId);
    if (local !== undefined && now < local) return local - now;
    this.until.delete(playerId);
    const shared = Number(await this.presence.get(muteKey(playerId)));
    return Number.isFinite(shared) && shared > now ? shared - now : 0;
  }
}

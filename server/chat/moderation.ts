/**
 * Chat moderation: mutes kept in the chat store (./stores.ts), and the moderator's actions on a channel (mute, unmute,
 * kick, finding a member). The chat room only wires them to the monitor's room-call API.
 */
import { CLOSE_KICKED, RefusalCode, type Refusal } from "../shared/codes";
import { MUTE_MAX_S } from "../shared/tuning";

// Player reports are the chat's too (./reports.ts): the room takes them through here.
export { fileReport } from "./reports";

/** Result of a moderation call, shaped for the monitor's room-call API (plain JSON). */
export type ModerationResult = { ok: true } | Refusal;

const refused = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

/**
 * Checks a moderator's mute duration. It arrives as JSON from the monitor, so nothing is trusted;
 * absent means the longest mute.
 */
export function parseMuteSeconds(seconds: unknown): number | undefined {
  if (seconds === undefined) return MUTE_MAX_S;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0 || seconds > MUTE_MAX_S) return undefined;
  return seconds;
}

/**
 * Keys with an expiry where mutes are kept: the chat Redis (so a mute holds in every region), or
 * presence without one. Colyseus's Presence has these three methods with these arguments.
 */
export interface MuteKeys {
  setex(key: string, value: string, seconds: number): unknown;
  get(key: string): unknown;
  del(key: string): unknown;
}

/** The key of a mute: in the chat store, so it outlives its room and holds on every process. */
const muteKey = (id: string) => `mute:${id}`;

/**
 * Who is muted until when (ms), by player id (or a guest's address): kept in the chat store with its
 * own expiry, so a mute outlasts leaving, the room itself, and holds in every room on every process
 * of every region.
 * This room's own mutes are also kept locally (swept at every new mute), so a mute holds at once.
 */
export class Mutes {
  private until = new Map<string, number>();

  constructor(private readonly keys: MuteKeys) {}

  mute(playerId: string, seconds: number, now: number): void {
    for (const [id, end] of this.until) if (end <= now) this.until.delete(id);
    this.until.set(playerId, now + seconds * 1000);
    void Promise.resolve(this.keys.setex(muteKey(playerId), String(now + seconds * 1000), Math.ceil(seconds))).catch(() => {});
  }

  /** Lifts the mute everywhere; true when this room knew of it. */
  unmute(playerId: string): boolean {
    void Promise.resolve(this.keys.del(muteKey(playerId))).catch(() => {});
    return this.until.delete(playerId);
  }

  /** Milliseconds of mute left for `playerId` (0: may speak), wherever the mute was given. */
  async remainingMs(playerId: string, now: number): Promise<number> {
    const local = this.until.get(playerId);
    if (local !== undefined && now < local) return local - now;
    this.until.delete(playerId);
    const shared = Number(await this.keys.get(muteKey(playerId)));
    return Number.isFinite(shared) && shared > now ? shared - now : 0;
  }
}

/** A connected member, as moderation sees it. */
export interface ModeratedClient {
  sessionId: string;
  playerId: string;
  /** A guest's flood key (its address): a guest's id is new at every join, so its address is muted too. */
  guestKey: string | undefined;
  close(code: number, reason: string): void;
}

/** What moderation needs of a channel. */
export interface ModeratedChannel {
  /** The player id of the member with this sessionId. */
  playerIdOf(sessionId: string): string | undefined;
  /** Whether a member has this player id. */
  hasPlayer(playerId: string): boolean;
  /** The connected clients. */
  clients(): Iterable<ModeratedClient>;
}

/** A moderator's actions on one channel; `member` is a member's sessionId or player id. */
export class Moderation {
  /** Members being kicked: their leave is final, no reconnection. */
  private kicked = new Set<string>();

  constructor(
    private readonly channel: ModeratedChannel,
    private readonly mutes: Mutes,
    private readonly now: () => number = Date.now,
  ) {}

  /** Mutes the member's player id (and a guest's address) for `seconds` (default MUTE_MAX_S): its chat is refused meanwhile. */
  mute(member: unknown, seconds?: unknown): ModerationResult {
    const duration = parseMuteSeconds(seconds);
    if (duration === undefined) return refused(RefusalCode.invalidPayload, "seconds must be a number above 0, at most one day");
    const playerId = this.resolve(member);
    if (playerId === undefined) return refused(RefusalCode.noSuchMember, "no such member");
    this.mutes.mute(playerId, duration, this.now());
    const guestKey = this.clientOf(playerId)?.guestKey;
    if (guestKey !== undefined) this.mutes.mute(guestKey, duration, this.now());
    return { ok: true };
  }

  /** `member`: a member's sessionId, or the player id of a muted player (who may have left). */
  unmute(member: unknown): ModerationResult {
    const playerId = this.resolve(member) ?? member;
    if (typeof playerId !== "string" || !this.mutes.unmute(playerId)) return refused(RefusalCode.notMuted, "not muted");
    const guestKey = this.clientOf(playerId)?.guestKey;
    if (guestKey !== undefined) this.mutes.unmute(guestKey);
    return { ok: true };
  }

  /** Disconnects a member with CLOSE_KICKED; everyone sees the usual "left" line. */
  kick(member: unknown): ModerationResult {
    const playerId = this.resolve(member);
    const client = playerId === undefined ? undefined : this.clientOf(playerId);
    if (!client) return refused(RefusalCode.noSuchMember, "no such member");
    this.kicked.add(client.sessionId);
    client.close(CLOSE_KICKED, "kicked");
    return { ok: true };
  }

  /** True once for a kicked member's leave (which is then final). */
  takeKicked(sessionId: string): boolean {
    return this.kicked.delete(sessionId);
  }

  /** Milliseconds the member of `playerId` (and `guestKey`) is still muted for. */
  async mutedMs(playerId: string, guestKey: string | undefined): Promise<number> {
    const now = this.now();
    const keys = guestKey === undefined ? [playerId] : [playerId, guestKey];
    return Math.max(0, ...(await Promise.all(keys.map((key) => this.mutes.remainingMs(key, now)))));
  }

  /** The player id of a member named by sessionId or by player id. */
  private resolve(member: unknown): string | undefined {
    if (typeof member !== "string") return undefined;
    return this.channel.playerIdOf(member) ?? (this.channel.hasPlayer(member) ? member : undefined);
  }

  private clientOf(playerId: string): ModeratedClient | undefined {
    for (const client of this.channel.clients()) if (client.playerId === playerId) return client;
    return undefined;
  }
}

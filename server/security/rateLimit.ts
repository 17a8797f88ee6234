/**
 * Per-client rate limits (token buckets), one bucket per RATE_LIMITS entry. A room's message
 * registrar (server/rooms/messages.ts) asks `admit(client, bucket, type)` before it reads a message,
 * and the room calls `forget` when a client leaves, so memory is bounded by the room's clients
 * times the fixed set of buckets.
 */
import { ClientState, type Client } from "@colyseus/core";
import { logger } from "../log";
import { countFloodCutOff, countRateLimitDrop } from "../ops/metrics";
import { refuse } from "../rooms/refuse";
import { BoundedMap } from "../shared/lru";
import {
  ABUSE_DROP_BURST,
  ABUSE_DROP_FORGIVEN_PER_S,
  CLOSE_RATE_LIMITED,
  DROP_CLOSE_GRACE_MS,
  RATE_LIMITS,
  CHAT_KEPT_IDENTITIES_MAX,
  RefusalCode,
  SHOWN_TYPE_MAX_CHARS,
  type RateBucket,
  type RateLimit,
} from "../shared/protocol";

/** Milliseconds from a monotonic clock; injectable so tests can drive time. */
export type Clock = () => number;

/** Holds up to `burst` tokens, refilled continuously at `perSecond`; each message takes one. */
export class TokenBucket {
  private tokens: number;

  constructor(private readonly limit: RateLimit, private last: number) {
    this.tokens = limit.burst;
  }

  take(now: number): boolean {
    const refill = (Math.max(0, now - this.last) / 1000) * this.limit.perSecond;
    this.tokens = Math.min(this.limit.burst, this.tokens + refill);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the last `take` found the bucket full: the sender had paused for a whole burst. */
  get wasFull(): boolean {
    return this.tokens >= this.limit.burst - 1;
  }
}

const ABUSE_LIMIT: RateLimit = { perSecond: ABUSE_DROP_FORGIVEN_PER_S, burst: ABUSE_DROP_BURST };

interface Allowance {
  buckets: Partial<Record<RateBucket, TokenBucket>>;
  /** Drains one token per dropped message; empty means sustained abuse. */
  abuse: TokenBucket;
  /** Types whose current run of drops the client was already told about: one error per run, a run
   *  ending when the client lets its bucket fill up again. */
  warned: Set<RateBucket>;
  /** Disconnected for flooding: whatever still arrives before the socket closes is dropped. */
  cutOff: boolean;
}

function scaled(limit: RateLimit, scale: number): RateLimit {
  return scale === 1 ? limit : { perSecond: limit.perSecond * scale, burst: Math.max(1, Math.round(limit.burst * scale)) };
}

export class RateLimiter {
  private allowances = new Map<string, Allowance>();
  /** Buckets of clients that left, by identity (see `forget`). */
  private kept = new BoundedMap<string, Allowance>(CHAT_KEPT_IDENTITIES_MAX);
  /** Dropped messages by limited type, and clients cut off, since the room started (for figures). */
  readonly dropped: Partial<Record<RateBucket, number>> = {};
  kicked = 0;
  /** Messages that still reached a handler after their sender was cut off (should stay 0). */
  afterCutOff = 0;

  /** `scale` multiplies every rate and burst (RATE_LIMIT_SCALE); the flood cut-off stays as it is. */
  constructor(
    private readonly now: Clock = () => performance.now(),
    private readonly scale = 1,
  ) {}

  /**
   * True when `client` may send one more message from `bucket` now (`type`: the message, for the
   * refusal). Otherwise the message is to be dropped unread: the first drop of a run tells the
   * sender, and sustained flooding disconnects it.
   */
  admit(client: Client, kind: RateBucket, type: string = kind): boolean {
    const now = this.now();
    const allowance = this.allowanceOf(client.sessionId, now);
    if (allowance.cutOff) {
      this.afterCutOff++;
      return false;
    }
    const bucket = (allowance.buckets[kind] ??= new TokenBucket(scaled(RATE_LIMITS[kind], this.scale), now));
    if (bucket.take(now)) {
      if (bucket.wasFull) allowance.warned.delete(kind);
      return true;
    }
    this.dropped[kind] = (this.dropped[kind] ?? 0) + 1;
    countRateLimitDrop(kind);
    const shown = String(type).slice(0, SHOWN_TYPE_MAX_CHARS);
    if (!allowance.abuse.take(now)) {
      this.kicked++;
      countFloodCutOff();
      allowance.cutOff = true;
      logger.warn({ sessionId: client.sessionId, type: shown }, "disconnected for flooding");
      refuse(client, shown, RefusalCode.rateLimited, "disconnected for flooding");
      client.leave(CLOSE_RATE_LIMITED, "rate_limited");
      // A flooder that does not read never answers the close frame: its socket goes after the grace.
      const socket = (client as Client & { ref?: { terminate?(): void } }).ref;
      if (typeof socket?.terminate === "function") setTimeout(() => socket.terminate!(), DROP_CLOSE_GRACE_MS).unref();
      // Colyseus then skips, undecoded, whatever of the flood is still buffered before the close.
      client.state = ClientState.LEAVING;
    } else if (!allowance.warned.has(kind)) {
      allowance.warned.add(kind);
      const { perSecond } = scaled(RATE_LIMITS[kind], this.scale);
      refuse(client, shown, RefusalCode.rateLimited, `too many "${shown}" messages: at most ${perSecond} per second`);
    }
    return false;
  }

  /** True when `sessionId` was disconnected for flooding (a room must not let it reconnect). */
  wasCutOff(sessionId: string): boolean {
    return this.allowances.get(sessionId)?.cutOff === true;
  }

  /**
   * Drops a leaving client's buckets; with `keepAs` (its identity) they are kept, bounded, for the
   * identity's next join to {@link adopt}: leaving and joining again must not buy a fresh burst.
   */
  forget(sessionId: string, keepAs?: string): void {
    const allowance = this.allowances.get(sessionId);
    this.allowances.delete(sessionId);
    if (allowance && keepAs !== undefined) this.kept.set(keepAs, { ...allowance, warned: new Set(), cutOff: false });
  }

  /** A joining client takes over the buckets its identity left with, if they are still kept. */
  adopt(sessionId: string, identity: string): void {
    const kept = this.kept.take(identity);
    if (kept) this.allowances.set(sessionId, kept);
  }

  /** Clients with buckets (for tests: must fall back to the room's clients). */
  get size(): number {
    return this.allowances.size;
  }

  private allowanceOf(sessionId: string, now: number): Allowance {
    let allowance = this.allowances.get(sessionId);
    if (!allowance) {
      allowance = { buckets: {}, abuse: new TokenBucket(ABUSE_LIMIT, now), warned: new Set(), cutOff: false };
      this.allowances.set(sessionId, allowance);
    }
    return allowance;
  }
}

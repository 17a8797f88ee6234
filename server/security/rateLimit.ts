/**
 * Per-client rate limits: one token bucket per message name (the rates of the room's protocol
 * record, server/shared/messages.ts) and `other`. The room's registrar (server/rooms/messages.ts)
 * asks `admit` before it reads a message and acts on the verdict; the room calls `forget` when a
 * client leaves, so memory is bounded by the room's clients times its message names.
 */
import { BoundedMap } from "../shared/lru";
import { ABUSE_DROP_BURST, ABUSE_DROP_FORGIVEN_PER_S, CHAT_KEPT_IDENTITIES_MAX } from "../shared/limits";
import { TokenBucket, type Clock, type RateLimit } from "../shared/tokenBucket";


/**
 * What to do with one message: `pass` it on; `drop` it unread; `warn`: drop it and tell the sender
 * (the first drop of a run); `cutOff`: drop it and disconnect the sender for sustained flooding
 * (every drop costs a token of an abuse bucket; it ran dry). After a cut-off every message is dropped.
 */
export type Verdict = "pass" | "drop" | "warn" | "cutOff";

const ABUSE_LIMIT: RateLimit = { perSecond: ABUSE_DROP_FORGIVEN_PER_S, burst: ABUSE_DROP_BURST };

interface Allowance {
  buckets: Map<string, TokenBucket>;
  /** Drains one token per dropped message; empty means sustained abuse. */
  abuse: TokenBucket;
  /** Buckets whose current run of drops the client was already told about: one warning per run, a
   *  run ending when the client lets its bucket fill up again. */
  warned: Set<string>;
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
  private readonly rates: ReadonlyMap<string, RateLimit>;
  /** Dropped messages by bucket, and clients cut off, since the room started (for figures). */
  readonly dropped: Record<string, number> = {};
  kicked = 0;
  /** Messages that still arrived after their sender was cut off (dropped too). */
  afterCutOff = 0;

  /**
   * `rates`: each bucket's allowance, `other` among them; `scale` multiplies every rate and burst
   * (RATE_LIMIT_SCALE); the flood cut-off stays as it is.
   */
  constructor(
    rates: Readonly<Record<string, RateLimit>>,
    scale = 1,
    private readonly now: Clock = () => performance.now(),
  ) {
    this.rates = new Map(Object.entries(rates).map(([bucket, rate]) => [bucket, scaled(rate, scale)]));
    if (!this.rates.has("other")) throw new Error('rate limits need an "other" bucket');
  }

  /** The allowance of `bucket` as enforced (scale applied); an unknown bucket is `other`. */
  rateOf(bucket: string): RateLimit {
    return this.rates.get(bucket) ?? this.rates.get("other")!;
  }

  /** The verdict on one more message of `bucket` from `sessionId` now. */
  admit(sessionId: string, bucket: string): Verdict {
    const now = this.now();
    const allowance = this.allowanceOf(sessionId, now);
    if (allowance.cutOff) {
      this.afterCutOff++;
      return "drop";
    }
    const key = this.rates.has(bucket) ? bucket : "other";
    let tokens = allowance.buckets.get(key);
    if (!tokens) allowance.buckets.set(key, (tokens = new TokenBucket(this.rateOf(key), now)));
    if (tokens.take(now)) {
      if (tokens.wasFull) allowance.warned.delete(key);
      return "pass";
    }
    this.dropped[key] = (this.dropped[key] ?? 0) + 1;
    if (!allowance.abuse.take(now)) {
      this.kicked++;
      allowance.cutOff = true;
      return "cutOff";
    }
    if (allowance.warned.has(key)) return "drop";
    allowance.warned.add(key);
    return "warn";
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
      allowance = { buckets: new Map(), abuse: new TokenBucket(ABUSE_LIMIT, now), warned: new Set(), cutOff: false };
      this.allowances.set(sessionId, allowance);
    }
    return allowance;
  }
}

/** Milliseconds from a monotonic clock; injectable so tests can drive time. */
export type Clock = () => number;

/** One rate-limit allowance: a token bucket refilled at `perSecond`, holding at most `burst`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Holds up to `burst` tokens, refilled continuously at `perSecond`; each `take` spends one. Time comes in, in ms. */
export class TokenBucket {
  private tokens: number;

  constructor(private readonly limit: RateLimit, private last: number) {
    this.tokens = limit.burst;
  }

  /** Spends `amount` tokens (one by default); false, spending none, when fewer are left. */
  take(now: number, amount = 1): boolean {
    const refill = (Math.max(0, now - this.last) / 1000) * this.limit.perSecond;
    this.tokens = Math.min(this.limit.burst, this.tokens + refill);
    this.last = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }

  /** True when the last `take` found the bucket full: the sender had paused for a whole burst. */
  get wasFull(): boolean {
    return this.tokens >= this.limit.burst - 1;
  }
}

import { TRACKED_ADDRESSES_MAX } from "../shared/limits";
import { BoundedMap } from "../shared/lru";
import { TokenBucket, type Clock, type RateLimit } from "../shared/tokenBucket";

/**
 * One request rate per client address (a token bucket each, the least recently seen forgotten past
 * TRACKED_ADDRESSES_MAX): for a route anyone may call, such as GET /ping.
 */
export class AddressRate {
  private readonly buckets = new BoundedMap<string, TokenBucket>(TRACKED_ADDRESSES_MAX);

  constructor(
    readonly limit: RateLimit,
    private readonly now: Clock = () => performance.now(),
  ) {}

  /** One more request from `address`: false when over the rate. */
  admit(address: string): boolean {
    const now = this.now();
    let bucket = this.buckets.get(address);
    if (!bucket) this.buckets.set(address, (bucket = new TokenBucket(this.limit, now)));
    return bucket.take(now);
  }
}

import { CHAT_KEPT_IDENTITIES_MAX, CHAT_PRESENCE_LINES_PER_CHANNEL, CHAT_PRESENCE_LINES_PER_IDENTITY } from "../shared/limits";
import { BoundedMap } from "../shared/lru";
import { TokenBucket, type Clock } from "../shared/tokenBucket";
import type { SystemLineCode } from "../shared/payloads";
import type { ChatDraft } from "./history";

/** A system line's words for clients that predate its code ("Ann joined"): the client words the code in its own language. */
const SYSTEM_LINE_ENGLISH: Record<SystemLineCode, string> = { joined: "joined", left: "left" };

/** What happened to member `name`, as a code and as English words. */
export function systemLine(code: SystemLineCode, name: string, time: number): ChatDraft {
  return { kind: "system", code, name, sessionId: "", playerId: "", text: `${name} ${SYSTEM_LINE_ENGLISH[code]}`, time };
}

/**
 * Whether a "joined" or "left" line may be posted: a channel and an identity (player id, or the
 * address of a guest, whose id is new at every join) each have a bucket. Past either, the member
 * still shows in the member list, without a line. Identities are remembered in a bounded LRU, so a
 * join/leave loop cannot refill its own bucket; one that is forgotten had a full bucket long ago.
 */
export class PresenceLines {
  private readonly channel: TokenBucket;
  private readonly identities = new BoundedMap<string, TokenBucket>(CHAT_KEPT_IDENTITIES_MAX);
  /** Lines not posted, for figures and tests. */
  suppressed = 0;

  constructor(private readonly now: Clock = () => performance.now()) {
    this.channel = new TokenBucket(CHAT_PRESENCE_LINES_PER_CHANNEL, now());
  }

  allow(identity: string): boolean {
    const now = this.now();
    let bucket = this.identities.get(identity);
    if (!bucket) this.identities.set(identity, (bucket = new TokenBucket(CHAT_PRESENCE_LINES_PER_IDENTITY, now)));
    if (bucket.take(now) && this.channel.take(now)) return true;
    this.suppressed++;
    return false;
  }
}

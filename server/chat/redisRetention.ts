import type { Redis } from "ioredis";
import type { ChatLine } from "../shared/payloads";
import type { KeptLine } from "./history";

/**
 * Retention and erasure over the Redis history (redisHistory.ts): every channel's sorted set of
 * lines, found with SCAN, so erasure reaches channels no process has open. One Redis, not a Cluster.
 */

/** Keys asked for per SCAN step, and oldest lines read per step of a retention sweep. */
const SCAN_COUNT = 200;
const PRUNE_BATCH = 50;

/** `chat:{channel}:lines` for every channel (redisHistory.ts names the keys). */
async function* channelKeys(redis: Redis, pattern: string): AsyncGenerator<string> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
    yield* keys;
    cursor = next;
  } while (cursor !== "0");
}

/** The channel a lines key belongs to: `chat:{lobby}:lines` → `lobby`. */
const channelOf = (key: string) => key.slice(key.indexOf("{") + 1, key.lastIndexOf("}"));

/** Each kept line of `playerId`, with the exact member string ZREM needs. */
async function playerMembers(redis: Redis, key: string, playerId: string): Promise<Array<{ member: string; line: ChatLine }>> {
  const members = await redis.zrange(key, 0, -1);
  return members.map((member) => ({ member, line: JSON.parse(member) as ChatLine })).filter(({ line }) => line.playerId === playerId);
}

export async function redisLinesOf(redis: Redis, pattern: string, playerId: string): Promise<KeptLine[]> {
  const found: KeptLine[] = [];
  for await (const key of channelKeys(redis, pattern)) {
    for (const { line } of await playerMembers(redis, key, playerId)) found.push({ channel: channelOf(key), line });
  }
  return found;
}

export async function redisEraseLinesOf(redis: Redis, pattern: string, playerId: string): Promise<number> {
  let erased = 0;
  for await (const key of channelKeys(redis, pattern)) {
    const members = (await playerMembers(redis, key, playerId)).map(({ member }) => member);
    if (members.length > 0) erased += await redis.zrem(key, ...members);
  }
  return erased;
}

/** Lines are numbered in the order they were said, so the expired ones are at the low end of each set. */
export async function redisDropBefore(redis: Redis, pattern: string, cutoffMs: number): Promise<number> {
  let dropped = 0;
  for await (const key of channelKeys(redis, pattern)) {
    for (;;) {
      const oldest = await redis.zrange(key, 0, PRUNE_BATCH - 1);
      const expired = oldest.filter((member) => (JSON.parse(member) as ChatLine).time < cutoffMs);
      if (expired.length > 0) dropped += await redis.zrem(key, ...expired);
      if (expired.length < PRUNE_BATCH) break;
    }
  }
  return dropped;
}

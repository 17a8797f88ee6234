import { Redis } from "ioredis";
import { CHAT_HISTORY_IDLE_TTL_S, type ChatLine } from "../shared/protocol";
import { chatTopic, type ChatDraft, type ChatHistory } from "./history";
import { redisDropBefore, redisEraseLinesOf, redisLinesOf } from "./redisRetention";
import type { KeptLine } from "./retention";

/** Every channel's lines key matches this (retention and erasure find channels with SCAN). */
const LINES_KEY_PATTERN = "chat:{*}:lines";

// Numbers, keeps, trims and publishes a line in one atomic step, so ids are unique across processes
// and restarts (INCR) and every subscriber hears a channel's lines in id order.
// KEYS: counter, sorted set of lines scored by id, topic. ARGV: the line's JSON without id, keep, idle TTL.
const APPEND = `
local id = redis.call('INCR', KEYS[1])
local line = '{"id":' .. id .. ',' .. string.sub(ARGV[1], 2)
redis.call('ZADD', KEYS[2], id, line)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[2]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', KEYS[3], line)
return line
`;

type AppendCommand = (counter: string, lines: string, topic: string, draft: string, keep: number, ttl: number) => Promise<string>;

/** Durable history in Redis: the newest `keep` lines per channel, surviving rooms and restarts. */
export class RedisChatHistory implements ChatHistory {
  private readonly redis: Redis;
  private readonly appendLine: AppendCommand;

  constructor(url: string, private readonly keep: number) {
    this.redis = new Redis(url);
    this.redis.defineCommand("chatAppend", { numberOfKeys: 3, lua: APPEND });
    const command = (this.redis as unknown as { chatAppend: AppendCommand }).chatAppend;
    this.appendLine = command.bind(this.redis);
  }

  async append(channel: string, draft: ChatDraft): Promise<ChatLine> {
    // The hash tag keeps a channel's two keys in one slot on a Redis Cluster.
    const json = await this.appendLine(
      `chat:{${channel}}:lastId`,
      `chat:{${channel}}:lines`,
      chatTopic(channel),
      JSON.stringify(draft),
      this.keep,
      CHAT_HISTORY_IDLE_TTL_S,
    );
    return JSON.parse(json) as ChatLine;
  }

  async after(channel: string, since: number, limit: number): Promise<ChatLine[]> {
    const newestFirst = await this.redis.zrevrangebyscore(`chat:{${channel}}:lines`, "+inf", `(${since}`, "LIMIT", 0, limit);
    return newestFirst.reverse().map((json) => JSON.parse(json) as ChatLine);
  }

  // Retention and erasure (server/chat/redisRetention.ts).
  linesOf(playerId: string): Promise<KeptLine[]> {
    return redisLinesOf(this.redis, LINES_KEY_PATTERN, playerId);
  }

  eraseLinesOf(playerId: string): Promise<number> {
    return redisEraseLinesOf(this.redis, LINES_KEY_PATTERN, playerId);
  }

  dropBefore(cutoffMs: number): Promise<number> {
    return redisDropBefore(this.redis, LINES_KEY_PATTERN, cutoffMs);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

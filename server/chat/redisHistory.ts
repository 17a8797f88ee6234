import { Redis } from "ioredis";
import type { ChatHistoryBounds } from "../config/chat";
import { CHAT_HISTORY_IDLE_TTL_S } from "../shared/limits";
import { CHAT_SYSTEM_LINES_KEEP } from "../shared/tuning";
import type { ChatLine } from "../shared/payloads";
import type { Logger } from "../telemetry/log";
import { TRACEPARENT_FIELD, traceparentOf } from "../telemetry/tracing";
import { chatTopic, firstLineIdAt, mergeAbove, type ChatDraft, type ChatHistory, type KeptLine } from "./history";
import { redisDropBefore, redisEraseLinesOf, redisLinesOf } from "./redisRetention";

/** Every channel's said-lines key matches this (retention and erasure find channels with SCAN)... */
const LINES_KEY_PATTERN = "chat:{*}:lines";
/** ...and its join/leave lines key this (retention only: they carry no player id). */
const SYSTEM_KEY_PATTERN = "chat:{*}:system";

// Numbers, keeps, trims and publishes a line in one atomic step, so ids are unique across processes
// and restarts (INCR) and every subscriber hears a channel's lines in id order. A missing counter
// (first line, expired, evicted, a blank Redis) starts from the caller's time-based floor, so ids
// never go back. KEYS: counter, user lines, system lines (sorted sets scored by id), topic.
// Ids above 10^14 need %.0f: Lua's `..` would print them with 14 significant digits.
// ARGV: the line's JSON without id, lines to keep, idle TTL, id floor, "system" or "user", system lines to keep,
// and the trace context ("" for none), which only the published line carries (server/telemetry/tracing.ts).
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[4]) end
local id = redis.call('INCR', KEYS[1])
local line = '{"id":' .. string.format('%.0f', id) .. ',' .. string.sub(ARGV[1], 2)
local set, keep = KEYS[2], ARGV[2]
if ARGV[5] == 'system' then set, keep = KEYS[3], ARGV[6] end
redis.call('ZADD', set, id, line)
redis.call('ZREMRANGEBYRANK', set, 0, -tonumber(keep) - 1)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
local published = line
if ARGV[7] ~= '' then published = '{"${TRACEPARENT_FIELD}":"' .. ARGV[7] .. '",' .. string.sub(line, 2) end
redis.call('PUBLISH', KEYS[4], published)
return line
`;

// Marks a channel used and pops the least recently used beyond the bound, atomically (one key, so
// concurrent appends never pop too many). KEYS: the channels set. ARGV: channel, now, bound.
const TOUCH = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if over <= 0 then return {} end
return redis.call('ZPOPMIN', KEYS[1], over)
`;

type TouchCommand = (channels: string, channel: string, now: number, bound: number) => Promise<string[]>;

type AppendCommand = (
  counter: string,
  user: string,
  system: string,
  topic: string,
  draft: string,
  keep: number,
  ttl: number,
  floor: string,
  kind: string,
  systemKeep: number,
  traceparent: string,
) => Promise<string>;

/** Every channel with history, scored by its last line's time: the oldest goes past `bounds.channels`. */
export const CHANNELS_KEY = "chat:channels";

// The hash tag keeps a channel's keys in one slot on a Redis Cluster.
const keysOf = (channel: string) => [`chat:{${channel}}:lastId`, `chat:{${channel}}:lines`, `chat:{${channel}}:system`] as const;

/**
 * Durable history in Redis, surviving rooms and restarts, bounded: the newest `bounds.lines` lines
 * per channel (join and leave lines in their own ring), lines of at most `bounds.lineBytes` (the room
 * refuses longer ones), and `bounds.channels` channels in all.
 */
export class RedisChatHistory implements ChatHistory {
  /** Its command connection: mutes share it (./stores.ts), the health watch hears its errors. */
  readonly redis: Redis;
  private readonly appendLine: AppendCommand;
  private readonly touchChannel: TouchCommand;

  /** Connects at its first command, so an app that is built but never started opens no connection. */
  constructor(
    url: string,
    private readonly bounds: Pick<ChatHistoryBounds, "lines" | "channels">,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.redis = new Redis(url, { lazyConnect: true });
    this.redis.defineCommand("chatAppend", { numberOfKeys: 4, lua: APPEND });
    const command = (this.redis as unknown as { chatAppend: AppendCommand }).chatAppend;
    this.appendLine = command.bind(this.redis);
    this.redis.defineCommand("chatTouch", { numberOfKeys: 1, lua: TOUCH });
    this.touchChannel = (this.redis as unknown as { chatTouch: TouchCommand }).chatTouch.bind(this.redis);
  }

  async append(channel: string, draft: ChatDraft): Promise<ChatLine> {
    const [counter, user, system] = keysOf(channel);
    const json = await this.appendLine(
      counter,
      user,
      system,
      chatTopic(channel),
      JSON.stringify(draft),
      this.bounds.lines,
      CHAT_HISTORY_IDLE_TTL_S,
      String(firstLineIdAt(this.now())),
      draft.kind,
      CHAT_SYSTEM_LINES_KEEP,
      traceparentOf() ?? "",
    );
    this.boundChannels(channel).catch((error) => this.log.error({ err: error, channel }, "could not bound the chat channels kept in Redis"));
    return JSON.parse(json) as ChatLine;
  }

  async after(channel: string, since: number, limit: number): Promise<ChatLine[]> {
    const [, user, system] = keysOf(channel);
    const read = (key: string) => this.redis.zrevrangebyscore(key, "+inf", `(${since}`, "LIMIT", 0, limit);
    const [users, systems] = await Promise.all([read(user), read(system)]);
    const parse = (json: string) => JSON.parse(json) as ChatLine;
    return mergeAbove(users.map(parse), systems.map(parse), since, limit);
  }

  // Retention and erasure (./redisRetention.ts).
  linesOf(playerId: string): Promise<KeptLine[]> {
    return redisLinesOf(this.redis, LINES_KEY_PATTERN, playerId);
  }

  eraseLinesOf(playerId: string): Promise<number> {
    return redisEraseLinesOf(this.redis, LINES_KEY_PATTERN, playerId);
  }

  async dropBefore(cutoffMs: number): Promise<number> {
    const [said, system] = await Promise.all([LINES_KEY_PATTERN, SYSTEM_KEY_PATTERN].map((pattern) => redisDropBefore(this.redis, pattern, cutoffMs)));
    return said + system;
  }

  /** Marks `channel` used and drops the least recently used channels' keys beyond `bounds.channels`. */
  private async boundChannels(channel: string): Promise<void> {
    const dropped = await this.touchChannel(CHANNELS_KEY, channel, this.now(), this.bounds.channels);
    // zpopmin answers [member, score, member, score...]; the counter goes too: ids restart above it by time.
    for (let i = 0; i < dropped.length; i += 2) await this.redis.del(...keysOf(dropped[i]));
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

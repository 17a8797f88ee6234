/**
 * Where chat lives. Public channels are global: their history, their lines between processes and
 * regions, and mutes are in the chat Redis (CHAT_REDIS_URL, default REDIS_URL). A battle's channel
 * stays in its battle's region: in the regional Redis (REDIS_URL), relayed through presence.
 * Without any Redis, all of it is in this process's memory.
 */
import type { Redis } from "ioredis";
import type { Settings } from "../config";
import type { ChatLine } from "../shared/payloads";
import type { Logger } from "../telemetry/log";
import { TRACEPARENT_FIELD, traceparentOf } from "../telemetry/tracing";
import { isBattleChannel } from "./battleTickets";
import { MemoryChatHistory, type ChatHistory, type KeptLine } from "./history";
import type { MuteKeys } from "./moderation";
import type { ModerationKeys } from "./moderationKeys";
import { RedisChatHistory } from "./redisHistory";
import { ChatRelay, type ChatSubscriber } from "./relay";

/** An ioredis client, as the health watch hears its errors. */
type ErrorSource = { on(event: "error", listener: (error: Error) => void): unknown };

/** What the chat needs of the running server's presence (Colyseus's, regional). */
export interface RegionalPresence extends ChatSubscriber, MuteKeys, ModerationKeys {
  publish(topic: string, data: unknown): unknown;
}

export interface ChatStores {
  /** Every channel's history, each kept where its channel lives. */
  readonly store: ChatHistory;
  /** Where mutes are kept: the chat Redis when there is one, so a mute holds in every region. */
  readonly mutes: MuteKeys;
  /** Where bans, reports and the audit log are kept: beside the mutes. */
  readonly moderation: ModerationKeys;
  /** Where the rooms of `channel` hear its numbered lines. */
  relayFor(channel: string): ChatSubscriber;
  /** The ioredis clients of the chat Redis (errors reported by its health watch), when there is one. */
  readonly chatRedis: Record<string, ErrorSource> | undefined;
  /** The battle channels' history client on the regional Redis, when it is not the chat Redis. */
  readonly regionalRedis: Record<string, ErrorSource> | undefined;
  /** Closes the relay (the history's stores close with the history). */
  close(): Promise<void>;
}

/** The stores for `settings`; `presence` gives the running server's presence once it exists. */
export function createChatStores(settings: Settings, log: Logger, presence: () => RegionalPresence): ChatStores {
  const bounds = settings.chatHistory;
  const chatUrl = settings.regions.chatRedisUrl;
  const regionalUrl = settings.scaling.mode === "redis" ? settings.scaling.redisUrl : undefined;
  const presenceKeys: MuteKeys = {
    setex: (key, value, seconds) => presence().setex(key, value, seconds),
    get: (key) => presence().get(key),
    del: (key) => presence().del(key),
  };
  const presenceModeration: ModerationKeys = {
    hset: (key, field, value) => presence().hset(key, field, value),
    hget: (key, field) => presence().hget(key, field),
    hdel: (key, field) => presence().hdel(key, field),
    hgetall: (key) => presence().hgetall(key),
    hlen: (key) => presence().hlen(key),
    hincrby: (key, field, by) => presence().hincrby(key, field, by),
  };
  const presenceRelay: ChatSubscriber = {
    subscribe: (topic, listener) => presence().subscribe(topic, listener),
    unsubscribe: (topic, listener) => presence().unsubscribe(topic, listener),
  };
  // The published line carries the keeping span's context (server/telemetry/tracing.ts); the kept one does not.
  const publish = (topic: string, line: ChatLine) => {
    const traceparent = traceparentOf();
    presence().publish(topic, traceparent === undefined ? line : { [TRACEPARENT_FIELD]: traceparent, ...line });
  };
  const memory = () => new MemoryChatHistory(bounds, publish);
  if (chatUrl === undefined) {
    return { store: memory(), mutes: presenceKeys, moderation: presenceModeration, relayFor: () => presenceRelay, chatRedis: undefined, regionalRedis: undefined, close: async () => {} };
  }
  const global = new RedisChatHistory(chatUrl, bounds, log);
  const relay = new ChatRelay(chatUrl, global, log);
  // The chat Redis may be the regional one (one region, or CHAT_REDIS_URL unset): then one store for all.
  const regionalRedis = regionalUrl !== undefined && regionalUrl !== chatUrl ? new RedisChatHistory(regionalUrl, bounds, log) : undefined;
  const regional: ChatHistory | undefined = regionalUrl === chatUrl ? undefined : (regionalRedis ?? memory());
  return {
    store: regional ? new RoutedChatHistory(global, regional) : global,
    mutes: redisKeys(global.redis),
    moderation: global.redis,
    relayFor: (channel) => (regional && isBattleChannel(channel) ? presenceRelay : relay),
    chatRedis: { "chat history": global.redis, "chat relay": relay.connection },
    regionalRedis: regionalRedis ? { "battle chat history": regionalRedis.redis } : undefined,
    // The stores are closed with the history (context.stop); the relay is the stores' own.
    close: () => relay.close(),
  };
}

/** Mute keys in a Redis, with Presence's argument order. */
function redisKeys(redis: Redis): MuteKeys {
  return {
    setex: (key, value, seconds) => redis.setex(key, seconds, value),
    get: (key) => redis.get(key),
    del: (key) => redis.del(key),
  };
}

/** Public channels in the chat store, battle channels in the regional one; retention and erasure visit both. */
export class RoutedChatHistory implements ChatHistory {
  constructor(private readonly global: ChatHistory, private readonly regional: ChatHistory) {}

  private storeOf(channel: string): ChatHistory {
    return isBattleChannel(channel) ? this.regional : this.global;
  }

  append: ChatHistory["append"] = (channel, draft) => this.storeOf(channel).append(channel, draft);

  after(channel: string, since: number, limit: number): Promise<ChatLine[]> {
    return this.storeOf(channel).after(channel, since, limit);
  }

  async linesOf(playerId: string): Promise<KeptLine[]> {
    return (await Promise.all([this.global.linesOf(playerId), this.regional.linesOf(playerId)])).flat();
  }

  async eraseLinesOf(playerId: string): Promise<number> {
    const [global, regional] = await Promise.all([this.global.eraseLinesOf(playerId), this.regional.eraseLinesOf(playerId)]);
    return global + regional;
  }

  async dropBefore(cutoffMs: number): Promise<number> {
    const [global, regional] = await Promise.all([this.global.dropBefore(cutoffMs), this.regional.dropBefore(cutoffMs)]);
    return global + regional;
  }

  async close(): Promise<void> {
    await Promise.all([this.global.close(), this.regional.close()]);
  }
}

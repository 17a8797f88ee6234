/**
 * Where chat lives (server/chat/stores.ts, relay.ts): public channels, their relay and mutes in the
 * chat Redis, battle channels in the region; the relay gives every line once and in order, also
 * across a lost subscriber connection.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { ChatRelay } from "../../server/chat/relay";
import { RedisChatHistory } from "../../server/chat/redisHistory";
import { chatTopic, type ChatDraft } from "../../server/chat/history";
import { ClientMessage, RefusalCode, RoomName, ServerMessage, type ChatLine } from "../../server/shared/protocol";
import { requireRedisServer, startRedis, type RedisProcess } from "../helpers/cluster";
import { say } from "../helpers/chat";
import { hearAll, nextMessage, sdkOf } from "../helpers/rooms";
import { silentLog, useServer, type Env } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { send } from "../../client/rooms";

const draft = (text: string): ChatDraft => ({ kind: "user", name: "n", sessionId: "s", playerId: "p", text, time: Date.now() });

describe("chat stores: a chat Redis of its own", function () {
  this.timeout(20_000);
  let redis: RedisProcess;
  let probe: Redis;
  // Filled before the app boots (hooks run in the order registered).
  const env: Env = {};
  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    probe = new Redis(redis.url);
    env.CHAT_REDIS_URL = redis.url;
  });
  const server = useServer(env);
  after(async () => {
    probe?.disconnect();
    await redis?.stop();
  });

  it("keeps a public channel's lines in the chat Redis and a battle's channel in the process (no regional Redis)", async () => {
    const room = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "general", name: "Ann" }));
    await say(room, "kept in the chat Redis");
    const kept = await probe.zrange("chat:{general}:lines", 0, -1);
    assert.ok(kept.some((json) => (JSON.parse(json) as ChatLine).text === "kept in the chat Redis"), "the line is in the chat Redis");
    await server.context.chat.history.append("battle-abc", draft("a battle's line"));
    assert.equal((await server.context.chat.history.after("battle-abc", 0, 10)).length, 1);
    assert.equal(await probe.exists("chat:{battle-abc}:lines"), 0, "a battle's channel stays out of the chat Redis");
    const exported = await server.context.chat.history.linesOf("p");
    assert.ok(exported.some(({ channel }) => channel === "battle-abc"), "export and erasure visit both stores");
  });

  it("keeps a mute in the chat Redis, where every region reads it", async () => {
    const room = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "mutes", name: "Mal" }));
    const chatRoom = server.getRoomById(room.roomId) as unknown as { mute(member: unknown, seconds?: unknown): unknown };
    assert.deepEqual(chatRoom.mute(room.sessionId, 30), { ok: true });
    const playerId = [...(server.getRoomById(room.roomId).state as { members: Map<string, { playerId: string }> }).members.values()][0]!.playerId;
    const until = Number(await eventually(() => probe.get(`mute:${playerId}`), "the mute key"));
    assert.ok(until > Date.now() + 25_000);
    assert.ok((await probe.ttl(`mute:${playerId}`)) > 25);
    const refused = nextMessage(room, ServerMessage.error);
    send(room, ClientMessage.chat, { text: "muted?" });
    assert.equal((await refused).code, RefusalCode.muted);
  });
});

describe("chat relay: every line once and in order", function () {
  this.timeout(20_000);
  let redis: RedisProcess;
  let history: RedisChatHistory;
  let relay: ChatRelay;
  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    history = new RedisChatHistory(redis.url, { lines: 200, channels: 100 }, silentLog);
    relay = new ChatRelay(redis.url, history, silentLog);
  });
  after(async () => {
    await relay?.close();
    await history?.close();
    await redis?.stop();
  });

  it("gives the lines published while its connection was lost, from the history, before the next live line", async () => {
    const heard: ChatLine[] = [];
    await relay.subscribe(chatTopic("gap"), (line) => heard.push(line));
    const first = await history.append("gap", draft("live 1"));
    await eventually(() => heard.length === 1, "the first live line");
    // The subscriber drops; lines are published meanwhile and nobody here hears them.
    relay.connection.disconnect(true);
    const missed = [await history.append("gap", draft("missed 1")), await history.append("gap", draft("missed 2"))];
    await eventually(() => heard.length === 3, "the missed lines, read back once the subscriber is ready again", 10_000);
    const live = await history.append("gap", draft("live 2"));
    await eventually(() => heard.length === 4, "the next live line");
    assert.deepEqual(heard.map((line) => line.id), [first.id, missed[0]!.id, missed[1]!.id, live.id]);
    assert.deepEqual(heard.map((line) => line.text), ["live 1", "missed 1", "missed 2", "live 2"]);
  });

  it("fills a jump in ids seen on a live line, and never gives a line twice", async () => {
    const heard: ChatLine[] = [];
    await relay.subscribe(chatTopic("jump"), (line) => heard.push(line));
    await history.append("jump", draft("one"));
    await eventually(() => heard.length === 1, "the first line");
    // A line kept without its publish reaching this relay (as when another region published it while this one was away).
    const raw = new Redis(redis.url);
    await raw.zadd("chat:{jump}:lines", heard[0]!.id + 1, JSON.stringify({ ...draft("unheard"), id: heard[0]!.id + 1 }));
    await raw.set("chat:{jump}:lastId", heard[0]!.id + 1);
    raw.disconnect();
    await history.append("jump", draft("three"));
    await eventually(() => heard.length === 3, "the unheard line, then the live one");
    assert.deepEqual(heard.map((line) => line.text), ["one", "unheard", "three"]);
    await relay.unsubscribe(chatTopic("jump"), () => {});
  });
});

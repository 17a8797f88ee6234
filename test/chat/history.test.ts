import assert from "node:assert/strict";
import { silentLog } from "../helpers/server";
import { Redis } from "ioredis";
import { MemoryChatHistory, chatTopic, firstLineIdAt, lineBytes, newestWithin, type ChatDraft, type ChatHistory } from "../../server/chat/history";
import { CHANNELS_KEY, RedisChatHistory } from "../../server/chat/redisHistory";
import { CHAT_SYSTEM_LINES_KEEP, type ChatLine, type ChatLineKind } from "../../server/shared/protocol";
import { requireRedisServer, startRedis, type RedisProcess } from "../helpers/cluster";
import { eventually } from "../helpers/wait";

const draft = (text: string, kind: ChatLineKind = "user"): ChatDraft => ({ kind, name: "Ann", sessionId: "s", playerId: "p", text, time: 0 });

/** The same behaviours, for both stores. */
function historyBehaviours(make: (bounds: { lines: number; channels: number }, now: () => number) => ChatHistory) {
  it("ids keep increasing after a channel's history is dropped for others, so no client drops a new line", async () => {
    let now = 1_700_000_000_000;
    // Time moves on a millisecond per read, so channels are used at distinct times.
    const history = make({ lines: 5, channels: 2 }, () => now++);
    const first = await history.append("live", draft("a"));
    assert.equal(first.id, firstLineIdAt(1_700_000_000_000) + 1);
    const last = await history.append("live", draft("b"));
    // Fresh channels push "live" out.
    for (let i = 0; i < 5; i++) await history.append(`fresh-${i}`, draft("x"));
    await eventually(async () => (await history.after("live", 0, 10)).length === 0, "the live channel dropped");
    const again = await history.append("live", draft("c"));
    assert.ok(again.id > last.id, `${again.id} > ${last.id}`);
  });

  it("keeps join and leave lines in their own ring: a flood of them leaves what members said", async () => {
    const history = make({ lines: 5, channels: 10 }, () => 1_700_000_000_000);
    for (const text of ["one", "two", "three"]) await history.append("ring", draft(text));
    for (let i = 0; i < 100; i++) await history.append("ring", draft(`x${i} joined`, "system"));
    const kept = await history.after("ring", 0, 1000);
    assert.deepEqual(kept.filter((l) => l.kind === "user").map((l) => l.text), ["one", "two", "three"]);
    assert.equal(kept.filter((l) => l.kind === "system").length, CHAT_SYSTEM_LINES_KEEP);
    assert.deepEqual(kept.map((l) => l.id), [...kept.map((l) => l.id)].sort((a, b) => a - b), "oldest first");
    // The newest `limit` of both rings together.
    assert.equal((await history.after("ring", 0, 4)).at(-1)!.text, "x99 joined");
  });
}

describe("in-memory chat history", () => {
  historyBehaviours((bounds, now) => new MemoryChatHistory(bounds, () => {}, now));

  it("numbers lines per channel, keeps the newest ones and publishes each on the channel's topic", async () => {
    const published: [string, ChatLine][] = [];
    const history = new MemoryChatHistory({ lines: 3, channels: 10 }, (topic, line) => published.push([topic, line]), () => 0);
    for (const text of ["a", "b", "c", "d"]) await history.append("one", draft(text));
    await history.append("two", draft("x"));
    assert.deepEqual((await history.after("one", 0, 10)).map((l) => [l.id, l.text]), [[2, "b"], [3, "c"], [4, "d"]]);
    assert.deepEqual((await history.after("one", 3, 10)).map((l) => l.text), ["d"]);
    assert.deepEqual((await history.after("two", 0, 10)).map((l) => [l.id, l.text]), [[1, "x"]]);
    assert.deepEqual(published.map(([topic, line]) => [topic, line.id]), [
      [chatTopic("one"), 1], [chatTopic("one"), 2], [chatTopic("one"), 3], [chatTopic("one"), 4], [chatTopic("two"), 1],
    ]);
  });

  it("holds at most `channels` channels, dropping the least recently used", async () => {
    const history = new MemoryChatHistory({ lines: 5, channels: 2 }, () => {});
    await history.append("a", draft("a1"));
    await history.append("b", draft("b1"));
    await history.append("a", draft("a2")); // "a" is now the most recently used
    await history.append("c", draft("c1")); // a third channel: "b" goes
    assert.deepEqual(await history.after("b", 0, 10), []);
    assert.equal((await history.after("a", 0, 10)).length, 2);
    assert.equal((await history.after("c", 0, 10)).length, 1);
  });

  it("caps a reply in lines and in bytes, keeping the newest", () => {
    const lines: ChatLine[] = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, ...draft("y".repeat(400)) }));
    const size = lineBytes(lines[49]);
    assert.deepEqual(newestWithin(lines, 10, 1e9).map((l) => l.id), Array.from({ length: 10 }, (_, i) => 41 + i));
    const byBytes = newestWithin(lines, 100, size * 7 + 1);
    assert.deepEqual(byBytes.map((l) => l.id), [44, 45, 46, 47, 48, 49, 50]);
    assert.ok(lineBytes(draft("y".repeat(400))) >= size, "a draft is counted with room for its id");
  });
});

describe("Redis chat history", function () {
  let redis: RedisProcess;
  const stores: RedisChatHistory[] = [];

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
  });
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await redis?.stop();
  });

  historyBehaviours((bounds, now) => {
    const store = new RedisChatHistory(redis.url, bounds, silentLog, now);
    stores.push(store);
    return store;
  });

  it("holds at most `channels` channels in all and drops the others' keys", async () => {
    const store = new RedisChatHistory(redis.url, { lines: 5, channels: 3 }, silentLog);
    stores.push(store);
    const probe = new Redis(redis.url);
    try {
      await probe.flushall();
      for (let i = 0; i < 20; i++) await store.append(`many-${i}`, draft("x"));
      await eventually(async () => (await probe.zcard(CHANNELS_KEY)) === 3, "three channels kept");
      await eventually(async () => (await probe.keys("chat:{*")).length === 3 * 2, "only the kept channels' keys");
      assert.equal((await store.after("many-19", 0, 10)).length, 1);
      assert.deepEqual(await store.after("many-0", 0, 10), []);
    } finally {
      probe.disconnect();
    }
  });
});

import assert from "node:assert/strict";
import { silentLog } from "../helpers/server";
import { Redis } from "ioredis";
import { MemoryChatHistory, type ChatDraft, type ChatHistory } from "../../server/chat/history";
import { RedisChatHistory } from "../../server/chat/redisHistory";
import { RetainedHistory } from "../../server/chat/retention";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { ClientMessage, PLAYER_ID_MAX_CHARS, RoomName, ServerMessage } from "../../server/shared/protocol";
import { adminAuthorization } from "../helpers/admin";
import { record, seen } from "../helpers/chat";
import { requireRedisServer, startRedis, startServer, type RedisProcess } from "../helpers/cluster";
import { hearAll, nextMessage, sdkOf, until } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { send, type GameRoom } from "../../client/rooms";

const HOUR_MS = 3600_000;
const said = (playerId: string, text: string, time: number): ChatDraft => ({ kind: "user", name: playerId, sessionId: `s-${playerId}`, playerId, text, time });

/** The same behaviour from every store: the in-memory one and the Redis one. */
function archiveBehaviour(makeStore: () => ChatHistory | Promise<ChatHistory>) {
  let store: ChatHistory;
  beforeEach(async () => (store = await makeStore()));

  it("exports one player's kept lines from every channel, and nobody else's", async () => {
    await store.append("lobby", said("ann", "hello", 1000));
    await store.append("lobby", said("ben", "hi ann", 1001));
    await store.append("trade", said("ann", "selling a sword", 1002));
    await store.append("trade", { kind: "system", name: "", sessionId: "", playerId: "", text: "ann left", time: 1003 });
    const lines = await store.linesOf("ann");
    assert.deepEqual(lines.map(({ channel, line }) => [channel, line.text]).sort(), [["lobby", "hello"], ["trade", "selling a sword"]]);
    assert.deepEqual(await store.linesOf("nobody"), []);
  });

  it("erases one player's lines from every channel; the others' stay, with their ids", async () => {
    await store.append("lobby", said("ann", "hello", 1000));
    const ben = await store.append("lobby", said("ben", "hi ann", 1001));
    await store.append("trade", said("ann", "selling a sword", 1002));
    assert.equal(await store.eraseLinesOf("ann"), 2);
    assert.deepEqual(await store.linesOf("ann"), []);
    assert.deepEqual(await store.after("lobby", 0, 10), [ben]);
    assert.deepEqual(await store.after("trade", 0, 10), []);
    assert.equal(await store.eraseLinesOf("ann"), 0, "erasing twice finds nothing");
    assert.equal((await store.append("lobby", said("ben", "still numbered", 1003))).id, ben.id + 1);
  });

  it("deletes the lines said before a cutoff, in every channel", async () => {
    for (let i = 0; i < 120; i++) await store.append("lobby", said("ann", `old ${i}`, 1000 + i));
    await store.append("lobby", said("ann", "new", 5000));
    await store.append("trade", said("ben", "old", 1000));
    await store.append("trade", said("ben", "new", 6000));
    assert.equal(await store.dropBefore(5000), 121);
    assert.deepEqual((await store.after("lobby", 0, 200)).map((l) => l.text), ["new"]);
    assert.deepEqual((await store.after("trade", 0, 200)).map((l) => l.text), ["new"]);
  });

  it("with retention: reads leave out lines past it, and the sweep deletes them", async () => {
    let now = 10 * HOUR_MS;
    const retained = new RetainedHistory(store, HOUR_MS, (error) => assert.fail(String(error)), () => now);
    try {
      await retained.append("lobby", said("ann", "early", now - 2 * HOUR_MS));
      await retained.append("lobby", said("ben", "recent", now - HOUR_MS / 2));
      assert.deepEqual((await retained.after("lobby", 0, 50)).map((l) => l.text), ["recent"], "never served past retention");
      assert.equal((await store.after("lobby", 0, 50)).length, 2, "still stored until the sweep");
      assert.equal(await retained.dropExpired(), 1);
      assert.deepEqual((await store.after("lobby", 0, 50)).map((l) => l.text), ["recent"], "deleted by the sweep");
      now += HOUR_MS;
      assert.deepEqual(await retained.after("lobby", 0, 50), [], "the next line expires in its turn");
    } finally {
      await retained.close();
    }
  });

  it("the sweep runs by itself, every sweep interval", async () => {
    const now = 10 * HOUR_MS;
    const retained = new RetainedHistory(store, HOUR_MS, (error) => assert.fail(String(error)), () => now, 20);
    retained.start();
    try {
      await store.append("lobby", said("ann", "early", now - 2 * HOUR_MS));
      await eventually(async () => (await store.after("lobby", 0, 50)).length === 0, "the sweep deleting the old line");
    } finally {
      await retained.close();
    }
  });
}

describe("chat data: retention and erasure in memory", () => {
  archiveBehaviour(() => new MemoryChatHistory({ lines: 200, channels: 100 }, () => {}));
});

describe("chat data: retention and erasure in Redis (real redis-server)", function () {
  this.timeout(30_000);
  let redis: RedisProcess;
  let admin: Redis;
  const stores: ChatHistory[] = [];
  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    admin = new Redis(redis.url);
  });
  // Each test starts from an empty Redis.
  beforeEach(() => admin.flushall());
  afterEach(async () => {
    // The retention test closes its store itself (RetainedHistory.close closes the store).
    for (const store of stores.splice(0)) await store.close().catch(() => {});
  });
  after(async () => {
    await admin?.quit();
    await redis?.stop();
  });

  archiveBehaviour(() => {
    const store = new RedisChatHistory(redis.url, { lines: 200, channels: 100 }, silentLog);
    stores.push(store);
    return store;
  });

  it("reaches a channel no process has open (found with SCAN), and another process sees the erasure", async () => {
    const one = new RedisChatHistory(redis.url, { lines: 200, channels: 100 }, silentLog);
    const other = new RedisChatHistory(redis.url, { lines: 200, channels: 100 }, silentLog);
    stores.push(one, other);
    await one.append("quiet", said("ann", "said long ago", 1000));
    await other.append("busy", said("ann", "said here", 2000));
    assert.equal((await other.linesOf("ann")).length, 2);
    assert.equal(await other.eraseLinesOf("ann"), 2);
    assert.deepEqual(await one.after("quiet", 0, 10), []);
  });
});

describe("chat data: erasure through a server process with REDIS_URL", function () {
  this.timeout(30_000);
  let redis: RedisProcess;
  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
  });
  after(() => redis?.stop());

  it("DELETE /admin/chat/players/:playerId/lines removes the player's lines from Redis", async () => {
    const server = await startServer(redis.url);
    const peek = new Redis(redis.url);
    try {
      const room = hearAll(await sdkOf(server.client).joinOrCreate(RoomName.chat, { channel: "e2e", name: "Ann" }));
      const lines = record(room);
      const state = await until(room, (s) => s.members?.get(room.sessionId)?.playerId !== undefined, "own member");
      const playerId = state.members.get(room.sessionId)!.playerId;
      send(room, ClientMessage.chat, { text: "forget me" });
      await seen(room, lines, (line) => line.text === "forget me", "the line relayed");
      // Said lines and, in their own ring, join/leave lines ("Ann joined" stays).
      const keys = ["chat:{e2e}:lines", "chat:{e2e}:system"];
      const kept = async () => (await Promise.all(keys.map((key) => peek.zrange(key, 0, -1)))).flat().map((json) => JSON.parse(json) as { playerId: string });
      assert.equal((await kept()).filter((line) => line.playerId === playerId).length, 1, "kept in Redis");

      const res = await fetch(`http://127.0.0.1:${server.port}/admin/chat/players/${encodeURIComponent(playerId)}/lines`, {
        method: "DELETE",
        headers: { authorization: adminAuthorization() },
      });
      assert.deepEqual(await res.json(), { erased: 1 });
      const left = await kept();
      assert.ok(left.length > 0 && !left.some((line) => line.playerId === playerId), "only the player's line is gone");
      await room.leave();
    } finally {
      await peek.quit();
      await server.stop("SIGKILL");
    }
  });
});

describe("chat data: the admin API and the monitor action, through a server", () => {
  const server = useServer();
  const admin = () => ({ authorization: adminAuthorization(server.settings) });

  async function member(channel: string, name: string) {
    const room = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel, name }));
    const lines = record(room);
    const state = await until(room, (s) => s.members?.get(room.sessionId)?.playerId !== undefined, "own member");
    return { room, lines, playerId: state.members.get(room.sessionId)!.playerId };
  }
  async function say(who: { room: GameRoom<"chat", ChatState>; lines: ReturnType<typeof record> }, text: string) {
    send(who.room, ClientMessage.chat, { text });
    await seen(who.room, who.lines, (line) => line.text === text, `"${text}" relayed`);
  }
  const linesUrl = (playerId: string) => `${server.httpUrl}/admin/chat/players/${encodeURIComponent(playerId)}/lines`;

  it("exports and erases one player's lines in every channel, behind the admin credentials", async () => {
    const ann = await member("tavern", "Ann");
    const ben = await member("tavern", "Ben");
    const annTrade = await member("market", "Ann");
    await say(ann, "hello tavern");
    await say(ben, "hi Ann");
    await say(annTrade, "selling a sword");
    // A guest gets a new player id at every join: erasure goes by the id the lines carry.
    const annIds = [ann.playerId, annTrade.playerId];

    for (const method of ["GET", "DELETE"]) {
      assert.equal((await fetch(linesUrl(ann.playerId), { method })).status, 401, `${method} without credentials`);
    }
    const exported = (await (await fetch(linesUrl(ann.playerId), { headers: admin() })).json()) as { lines: Array<{ channel: string; line: { text: string } }> };
    assert.deepEqual(exported.lines.map(({ channel, line }) => [channel, line.text]), [["tavern", "hello tavern"]]);

    const erased = await fetch(linesUrl(ann.playerId), { method: "DELETE", headers: admin() });
    assert.deepEqual(await erased.json(), { erased: 1 });
    // The monitor's room call: any chat room erases across channels (here the market's line from the tavern).
    const call = `${server.httpUrl}/colyseus/api/room/call?roomId=${ann.room.roomId}&method=eraseLinesOf&args=${encodeURIComponent(JSON.stringify([annIds[1]]))}`;
    assert.deepEqual(await (await fetch(call, { headers: admin() })).json(), { ok: true, erased: 1 });

    for (const id of annIds) {
      assert.deepEqual(((await (await fetch(linesUrl(id), { headers: admin() })).json()) as { lines: unknown[] }).lines, [], "nothing left");
    }
    // Someone joining now gets Ben's line and the join lines, none of Ann's.
    const late = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "tavern", name: "Cy" }));
    const history = await nextMessage(late, ServerMessage.history);
    assert.ok(history.lines.some((line) => line.text === "hi Ann"));
    assert.ok(!history.lines.some((line) => annIds.includes(line.playerId)), "no line of Ann's");
  });

  it("refuses a bad player id with a reason, over HTTP and from the monitor", async () => {
    const res = await fetch(linesUrl("x".repeat(PLAYER_ID_MAX_CHARS + 1)), { headers: admin() });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /playerId must be a string/);
    const { room } = await member("tavern", "Ann");
    const call = `${server.httpUrl}/colyseus/api/room/call?roomId=${room.roomId}&method=exportLinesOf&args=${encodeURIComponent("[42]")}`;
    assert.equal(((await (await fetch(call, { headers: admin() })).json()) as { ok: boolean }).ok, false);
  });
});

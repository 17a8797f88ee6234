import assert from "node:assert/strict";
import { Client, type Room } from "colyseus.js";
import { Redis } from "ioredis";
import { ClientMessage, RefusalCode, RoomName, ServerMessage, type ChatLine } from "../../server/shared/protocol";
import { requireRedisServer, startRedis, type RedisProcess } from "../helpers/cluster";
import { eventually } from "../helpers/wait";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { freePort } from "../helpers/ports";
import { hearAll, nextMessage, sdkOf } from "../helpers/rooms";
import { onMessage, send } from "../../client/rooms";

/** How soon a process announces its live rooms again once Redis comes back empty (restarted or flushed). */
const REANNOUNCED_WITHIN_MS = 10_000;
/** ioredis gives a command up after 20 reconnection attempts, about 10 s with its default backoff. */
const COMMAND_GIVEN_UP_MS = 20_000;

describe("Redis faults (real redis-server, real server process)", function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let redisPort: number;
  let server: ServerProcess;
  let base: string;
  const rooms: Room[] = [];

  const status = (path: string) => fetch(`${base}${path}`).then((res) => res.status, () => 0);
  const warned = (msg: string) => server.lines.filter((line) => line.msg === msg);

  beforeEach(async function () {
    requireRedisServer(this);
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    const port = await freePort();
    server = await spawnServer({
      PORT: String(port),
      REDIS_URL: redis.url,
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      RATE_LIMIT_SCALE: "100",
    });
    base = `http://127.0.0.1:${port}`;
    await eventually(async () => (await status("/ready")) === 200, "the server to be ready", 30_000, 100);
  });

  afterEach(async () => {
    for (const room of rooms.splice(0)) await room.leave().catch(() => {});
    server?.child.kill("SIGKILL");
    await server?.exited;
    redis?.thaw();
    await redis?.stop();
  });

  const client = () => sdkOf(new Client(base.replace(/^http/, "ws")));

  it("answers /ready 503 while Redis is down and 200 once it is back, /health 200 throughout, one warning per outage", async () => {
    await redis.stop();
    await eventually(async () => (await status("/ready")) === 503, "/ready to answer 503");
    assert.equal(await status("/health"), 200);
    // Several reconnection attempts go by: still one line.
    await eventually(() => server.lines.some((line) => line.msg === "Redis unreachable: matchmaking across processes and chat history wait for it"), "the warning");
    redis = await startRedis(redisPort);
    await eventually(async () => (await status("/ready")) === 200, "/ready to answer 200 again", 15_000);
    assert.equal(warned("Redis unreachable: matchmaking across processes and chat history wait for it").length, 1);
    const back = warned("Redis reachable again");
    assert.equal(back.length, 1);
    assert.ok(Number(back[0]!.outageMs) > 0, "the outage's duration is logged");
    assert.deepEqual(server.stderr.filter((line) => line.includes("ioredis")), [], "no raw ioredis lines");
  });

  it("answers /ready 503 while Redis is partitioned (connected, silent) and keeps a line said meanwhile, once", async () => {
    const talker = hearAll(await client().joinOrCreate(RoomName.chat, { channel: "partition", name: "Talker" }));
    rooms.push(talker);
    const heard: ChatLine[] = [];
    onMessage(talker, ServerMessage.chat, (line) => heard.push(line));
    redis.freeze();
    await eventually(async () => (await status("/ready")) === 503, "/ready to answer 503 during the partition");
    send(talker, ClientMessage.chat, { text: "said during the partition" });
    redis.thaw();
    await eventually(async () => (await status("/ready")) === 200, "/ready to answer 200 after the partition", 15_000);
    await eventually(() => heard.some((line) => line.text === "said during the partition"), "the line to be relayed");
    const admin = new Redis(redis.url);
    const kept = await admin.zrange("chat:{partition}:lines", 0, -1).finally(() => admin.disconnect());
    assert.equal(kept.filter((json) => json.includes("said during the partition")).length, 1);
  });

  it("tells the sender when a line could not be kept while Redis stayed down", async () => {
    const talker = hearAll(await client().joinOrCreate(RoomName.chat, { channel: "outage", name: "Talker" }));
    rooms.push(talker);
    const refused = nextMessage(talker, ServerMessage.error, () => true, COMMAND_GIVEN_UP_MS);
    await redis.stop();
    send(talker, ClientMessage.chat, { text: "said while Redis is down" });
    const error = await refused;
    assert.equal(error.code, RefusalCode.notSaved);
    assert.equal(error.type, ClientMessage.chat);
  });

  for (const how of ["restarted empty", "flushed"] as const) {
    it(`announces its live rooms again within 10 s when Redis comes back ${how}: matchmaking and the lobby find them`, async () => {
      const player = hearAll(await client().joinOrCreate(RoomName.battle, { name: "Stayer" }));
      rooms.push(player);
      if (how === "restarted empty") {
        await redis.stop();
        redis = await startRedis(redisPort);
      } else {
        const admin = new Redis(redis.url);
        await admin.flushall();
        admin.disconnect();
      }
      const emptyAt = performance.now();
      const admin = new Redis(redis.url);
      const found = await eventually(
        async () => ((await admin.hexists("roomcaches", player.roomId)) === 1 ? performance.now() - emptyAt : false),
        "the room to be announced again",
        REANNOUNCED_WITHIN_MS + 5000,
        200,
      ).finally(() => admin.disconnect());
      assert.ok(found <= REANNOUNCED_WITHIN_MS, `announced after ${found.toFixed(0)} ms`);
      const second = hearAll(await client().joinOrCreate(RoomName.battle, { name: "Newcomer" }));
      rooms.push(second);
      assert.equal(second.roomId, player.roomId, "matchmaking finds the live room");
      const lobby = hearAll(await client().joinOrCreate(RoomName.lobby, {}));
      rooms.push(lobby);
      const listing = await nextMessage(lobby, ServerMessage.rooms);
      assert.ok(listing.some((room) => room.roomId === player.roomId), "the lobby lists it");
    });
  }
});

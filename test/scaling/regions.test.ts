/**
 * Chat that spans regions (docs/scaling.md "Regions"): two regions, each its own Redis and process,
 * one chat Redis, a latency proxy in front of each region (test/helpers/regions.ts). Signed players,
 * so a player keeps one id in both regions.
 */
import assert from "node:assert/strict";
import { createSecretKey } from "node:crypto";
import type { Client, Room } from "colyseus.js";
import { send, type GameRoom } from "../../client/rooms";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { ClientMessage, RefusalCode, RoomName, ServerMessage, type ChatLine } from "../../server/shared/protocol";
import { mintToken } from "../../scripts/token";
import { adminAuthorization } from "../helpers/admin";
import { assertContiguous, chatter, reconnect, record, say, seen } from "../helpers/chat";
import { requireRegionRig, startRegionRig, type RegionId, type RegionRig } from "../helpers/regions";
import { hearAll, nextMessage, sdkOf, until } from "../helpers/rooms";

const SECRET = "regions-test-secret-regions-test-secret";
const KEY = createSecretKey(Buffer.from(SECRET));
/** A line said in one region reaches a player of the other within this, over the simulated links. */
const CROSS_REGION_MS = 1000;
/** ioredis gives a command up after 20 reconnection attempts (about 10 s), then the line is not_saved. */
const GIVEN_UP_MS = 25_000;

type Chat = GameRoom<"chat", ChatState>;
interface Member {
  client: Client;
  room: Chat;
  lines: ChatLine[];
}

describe("regions: chat across two regions (real processes, Redis and latency proxies)", function () {
  this.timeout(90_000);
  let rig: RegionRig;
  const rooms: Room[] = [];

  before(async function () {
    requireRegionRig(this);
    this.timeout(60_000);
    rig = await startRegionRig({ env: { AUTH_JWT_SECRET: SECRET }, cuttableChat: ["us"] });
  });
  afterEach(async () => {
    // A dropped room's leave would wait for a close that already happened.
    await Promise.all(rooms.splice(0).map((room) => (room.connection?.isOpen ? room.leave().catch(() => {}) : undefined)));
  });
  after(() => rig?.stop());

  /** Player `sub` in `region`'s channel, as a player near `near` reaches it. */
  async function member(region: RegionId, near: RegionId, sub: string, channel: string): Promise<Member> {
    const client = rig.client(region, near);
    client.auth.token = await mintToken(KEY, "HS256", { sub, name: sub });
    const room = hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, { channel }));
    rooms.push(room);
    return { client, room, lines: record(room) };
  }

  it("carries a line said in eu to a player in us within a second, and every line once, in order, with the same ids", async () => {
    const ann = await member("eu", "eu", "ann", "general");
    const ben = await member("us", "us", "ben", "general");
    await seen(ann.room, ann.lines, (line) => line.text === "ben joined", "ben's join, heard in eu");
    const started = performance.now();
    const first = await say(ann.room, "hello from eu", ben.room);
    const tookMs = performance.now() - started;
    assert.ok(tookMs < CROSS_REGION_MS, `eu → us took ${tookMs.toFixed(0)} ms`);
    const talk = chatter(ann.room, "a", 20);
    await seen(ben.room, ben.lines, (line) => line.text === "a15", "ann's lines in us");
    const last = talk.stop();
    await seen(ben.room, ben.lines, (line) => line.text === last, "ann's last line in us");
    await seen(ann.room, ann.lines, (line) => line.text === last, "ann's last line in eu");
    const from = (lines: ChatLine[]) => lines.filter((line) => line.id >= first.id);
    assertContiguous(from(ben.lines));
    assert.deepEqual(from(ben.lines).map((line) => [line.id, line.text]), from(ann.lines).map((line) => [line.id, line.text]), "the same lines and ids in both regions");
    console.log(`      eu → us: ${tookMs.toFixed(0)} ms for a line (links ${rig.rttMs("eu", "eu")} ms and ${rig.rttMs("us", "us")} ms round trips)`);
  });

  it("resumes a player in us after a drop: the lines said in eu meanwhile once, in order", async () => {
    const ann = await member("eu", "eu", "ann", "resume");
    const ben = await member("us", "us", "ben", "resume");
    const before = await say(ann.room, "before the drop", ben.room);
    ben.room.connection.close(); // a dropped socket, not a leave
    const talk = chatter(ann.room, "b", 30);
    await seen(ann.room, ann.lines, (line) => line.text === "b5", "lines said while ben is away");
    const back = hearAll(await reconnect(ben.client, ben.room));
    rooms.push(back);
    const after = record(back);
    send(back, ClientMessage.resume, { since: before.id });
    const resumedAt = talk.count();
    await seen(back, after, (line) => line.text === `b${resumedAt + 5}`, "live lines after the resume");
    const last = talk.stop();
    await seen(back, after, (line) => line.text === last, "ann's last line");
    assert.equal(after[0]!.id, before.id + 1, "from the line after the last one seen");
    assertContiguous(after);
    assert.ok(after.some((line) => line.text === "b1"), "a line said during the drop arrived");
  });

  it("holds a mute given in eu when the player speaks in us", async () => {
    const mallory = await member("eu", "eu", "mallory", "general");
    const reply = await fetch(
      `http://127.0.0.1:${rig.regions.eu.port}/colyseus/api/room/call?roomId=${mallory.room.roomId}&method=mute&args=${encodeURIComponent(JSON.stringify(["mallory", 60]))}`,
      { headers: { Authorization: adminAuthorization() } },
    );
    assert.equal(reply.status, 200, await reply.text());
    const elsewhere = await member("us", "eu", "mallory", "general");
    const refused = nextMessage(elsewhere.room, ServerMessage.error);
    send(elsewhere.room, ClientMessage.chat, { text: "can I speak here?" });
    assert.equal((await refused).code, RefusalCode.muted);
  });

  it("keeps us's battles while us loses the chat Redis, answers not_saved to its line, and catches up once it is back", async () => {
    const ann = await member("eu", "eu", "ann", "outage");
    const ben = await member("us", "us", "ben", "outage");
    const before = await say(ann.room, "before the outage", ben.room);
    await rig.cutChat("us");
    try {
      // Battles go on in us.
      const client = rig.client("us", "us");
      client.auth.token = await mintToken(KEY, "HS256", { sub: "cara", name: "Cara" });
      const battle = hearAll(await sdkOf(client).joinOrCreate(RoomName.battle, {}));
      rooms.push(battle);
      const state = await until(battle, (s) => s.players?.has(battle.sessionId), "cara in the battle");
      const x0 = state.players.get(battle.sessionId)!.x;
      send(battle, ClientMessage.move, { dx: x0 < 500 ? 1 : -1, dy: 0, seq: 1 });
      await until(battle, (s) => s.players.get(battle.sessionId)?.lastInput === 1, "the move's ack");
      // eu talks on; ben's own line cannot be kept.
      for (const text of ["said during 1", "said during 2", "said during 3"]) await say(ann.room, text);
      const refused = nextMessage(ben.room, ServerMessage.error, (error) => error.code === RefusalCode.notSaved, GIVEN_UP_MS);
      send(ben.room, ClientMessage.chat, { text: "lost in us" });
      await refused;
    } finally {
      await rig.restoreChat("us");
    }
    await seen(ben.room, ben.lines, (line) => line.text === "said during 3", "the lines said in eu during the outage", 20_000);
    const after = await say(ann.room, "after the outage", ben.room);
    const since = ben.lines.filter((line) => line.id >= before.id && line.id <= after.id);
    assertContiguous(since);
    assert.deepEqual(since.filter((line) => line.kind === "user").map((line) => line.text), ["before the outage", "said during 1", "said during 2", "said during 3", "after the outage"]);
    assert.ok(!ben.lines.some((line) => line.text === "lost in us"), "the line us could not keep reached nobody");
  });
});

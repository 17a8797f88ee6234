/**
 * The moderation console across processes: a player in a room on one process is found, banned and
 * removed from the console of the other; the ban, kept in Redis, refuses the player's next join on
 * either process, and both consoles show it in the audit log.
 */
import assert from "node:assert/strict";
import { createSecretKey } from "node:crypto";
import { Client } from "colyseus.js";
import { asRoom } from "../../client/rooms";
import { mintToken } from "../../scripts/token";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { CLOSE_KICKED, JOIN_BANNED, RoomName, ServerMessage } from "../../server/shared/protocol";
import { adminAuthorization } from "../helpers/admin";
import { requireRedisServer, startRedis, startServer, type RedisProcess, type ServerProcess } from "../helpers/cluster";
import { say } from "../helpers/chat";
import { closedWith, hearAll, nextMessage, sdkOf } from "../helpers/rooms";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const KEY = createSecretKey(Buffer.from(SECRET));
type Reservation = Parameters<Client["consumeSeatReservation"]>[0];

describe("moderation console across processes (real processes, Redis)", function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let a: ServerProcess;
  let b: ServerProcess;

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    [a, b] = await Promise.all([startServer(redis.url, undefined, undefined, { AUTH_JWT_SECRET: SECRET }), startServer(redis.url, undefined, undefined, { AUTH_JWT_SECRET: SECRET })]);
  });
  after(async () => {
    await Promise.all([a?.stop("SIGKILL"), b?.stop("SIGKILL")]);
    await redis?.stop();
  });

  const playerOn = async (server: ServerProcess, sub: string) => {
    const client = new Client(`http://127.0.0.1:${server.port}`);
    client.auth.token = await mintToken(KEY, "HS256", { sub, name: sub });
    return client;
  };
  const admin = { authorization: adminAuthorization(), accept: "application/json" };

  it("finds a player hosted on the other process, bans and removes them there; the ban holds on both", async () => {
    // Created through `a`; the room may live on either process: the console is the other one's.
    const reserved = (await (await fetch(`http://127.0.0.1:${a.port}/matchmake/create/${RoomName.chat}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await mintToken(KEY, "HS256", { sub: "mallory", name: "Mallory" })}` },
      body: JSON.stringify({ channel: "cross-mod" }),
    })).json()) as Reservation & { room: { publicAddress?: string } };
    const host = reserved.room.publicAddress === `127.0.0.1:${a.port}` ? a : b;
    const consoleOf = host === a ? b : a;
    const mallory = hearAll(asRoom(RoomName.chat, await (await playerOn(host, "mallory")).consumeSeatReservation<ChatState>(reserved)));
    await nextMessage(mallory, ServerMessage.history);
    await say(mallory, "spam spam spam");

    const search = await fetch(`http://127.0.0.1:${consoleOf.port}/admin/?q=mallo`, { headers: { authorization: admin.authorization } });
    assert.match(await search.text(), /mallory<\/a>/, "found on the other process");
    const lines = await fetch(`http://127.0.0.1:${consoleOf.port}/admin/players/mallory`, { headers: { authorization: admin.authorization } });
    assert.match(await lines.text(), /spam spam spam/);

    const closed = closedWith(mallory);
    const ban = await fetch(`http://127.0.0.1:${consoleOf.port}/admin/actions/ban`, {
      method: "POST",
      headers: admin,
      body: new URLSearchParams({ kind: "player", target: "mallory", seconds: "600", reason: "spam" }),
    });
    assert.deepEqual(((await ban.json()) as { ok: boolean; detail: string }).detail.replace(/until [^,]+/, "until …"), "until …, removed from 1 room(s)");
    assert.equal(await closed, CLOSE_KICKED);
    for (const server of [a, b]) {
      await assert.rejects(sdkOf(await playerOn(server, "mallory")).joinOrCreate(RoomName.chat, { channel: "cross-mod" }), { code: JOIN_BANNED });
      const audit = (await (await fetch(`http://127.0.0.1:${server.port}/admin/audit.json`, { headers: admin })).json()) as { entries: Array<{ action: string; whom: string; why: string }> };
      assert.deepEqual(audit.entries.map((e) => [e.action, e.whom, e.why]), [["ban", "mallory", "spam"]]);
    }
  });
});

import { Room, matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import { parseAllowedOrigins } from "../../server/config/origins";
import type { GuardedTransport } from "../../server/security/transport";
import { ClientMessage, JOIN_INVALID_OPTIONS, JoinRefusal, MAX_JOIN_OPTIONS_BYTES, MAX_MESSAGE_BYTES, RoomName, SEAT_RESERVATION_S } from "../../server/shared/protocol";
import { say } from "../helpers/chat";
import { rawPost, rawUpgrade, type RawReply } from "../helpers/raw";
import { closedWith, hearAll, sdkOf } from "../helpers/rooms";
import { useServer, type TestServer } from "../helpers/server";
import { EVENT_TIMEOUT_MS, eventually } from "../helpers/wait";
import { send } from "../../client/rooms";

const transportOf = (server: TestServer) => server.current.server.transport as GuardedTransport;

/** Text that would reveal internals: stack frames, file paths, error class names. */
const INTERNALS = /\n\s+at |\/work\/|node_modules|\.ts:\d|\.js:\d|TypeError|ReferenceError|Cannot read/;

/** A room whose creation fails with an unexpected error, the way a bug would. */
class BrokenRoom extends Room {
  onCreate() {
    throw new TypeError("Cannot read properties of undefined (reading 'x') at /work/secret/server/rooms/Broken.ts:12:5");
  }
}

describe("security: transport and matchmaking", () => {
  const server = useServer({}, { rooms: { broken: BrokenRoom } });

  it("closes a connection that sends a frame over MAX_MESSAGE_BYTES, and only that one", async () => {
    const ann = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "big", name: "Ann" }));
    const ben = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "big", name: "Ben" }));
    const annLeft = closedWith(ann);
    send(ann, ClientMessage.chat, { text: "x".repeat(MAX_MESSAGE_BYTES + 100) });
    assert.equal(await annLeft, 1009, "WebSocket 'message too big'");
    assert.equal((await say(ben, "still here")).sessionId, ben.sessionId);
  });

  it("refuses join options over MAX_JOIN_OPTIONS_BYTES with HTTP 413 before reading them", async () => {
    await assert.rejects(
      sdkOf(server).joinOrCreate(RoomName.battle, { name: "x".repeat(MAX_JOIN_OPTIONS_BYTES) }),
      (error: { code: number; message: string }) => {
        assert.equal(error.code, 413);
        assert.match(error.message, new RegExp(`join options too large \\(at most ${MAX_JOIN_OPTIONS_BYTES} bytes\\)`));
        return true;
      },
    );
    const chunked = await rawPost(server.port, "/matchmake/joinOrCreate/battle", "x".repeat(MAX_JOIN_OPTIONS_BYTES + 1), { "Transfer-Encoding": "chunked" });
    // Sent on the connection the first refusal left in the keep-alive pool, unless that one said "close".
    assert.equal(chunked.status, 413, "a chunked body is cut off at the cap");
    assert.equal(chunked.headers.connection, "close", "a connection that reads no more says so");
    assert.equal((await matchMaker.query({})).length, 0, "no room was created");
  });

  it("refuses deeply nested and hostile join options with 4217 and a reason", async () => {
    const deep = (depth: number, leaf: string) => "[".repeat(depth) + leaf + "]".repeat(depth);
    const cases: [string, RegExp, number?][] = [
      [deep(900, "1"), /join options must be an object/],
      [`{"name":${deep(800, '"a"')}}`, /name must be a string/],
      [`{"name":{"a":{"b":{"c":{"d":{}}}}}}`, /name must be a string/],
      [`{"__proto__":{"admin":true}}`, /unknown field\(s\): __proto__/],
      [`{"constructor":{"prototype":{"admin":true}}}`, /unknown field\(s\): constructor/],
      [`{"maxPlayers":1e308}`, /maxPlayers must be a whole number/],
      [`{"maxPlayers":-0.5}`, /maxPlayers must be a whole number/],
      [`{"name":"\\ud800\\u202e\\u200b"}`, /name must have at least one visible character/, JoinRefusal.nameInvisible],
    ];
    for (const [body, reason, code = JOIN_INVALID_OPTIONS] of cases) {
      assert.ok(body.length <= MAX_JOIN_OPTIONS_BYTES, "under the size cap, so the parser answers");
      const reply = await rawPost(server.port, "/matchmake/joinOrCreate/battle", body, { "Content-Type": "application/json" });
      const answer = JSON.parse(reply.body) as { code: number; error: string };
      assert.equal(answer.code, code, body.slice(0, 40));
      assert.match(answer.error, reason);
    }
    assert.equal((await matchMaker.query({})).length, 0, "no room was created");
  });

  it("never sends stack traces or internal paths in an error a client receives", async () => {
    const replies: RawReply[] = [];
    const { port } = server;
    for (const [path, body] of [
      ["/matchmake/create/broken", "{}"],
      ["/matchmake/joinOrCreate/battle", "{bad json"],
      ["/matchmake/joinOrCreate/battle", '{"name":{"toString":1}}'],
      ["/matchmake/evil/battle", "{}"],
      ["/matchmake/joinById/__proto__", "{}"],
      ["/matchmake/reconnect/nope", '{"reconnectionToken":{"$ne":1}}'],
      ["/matchmake/joinOrCreate/nope", "{}"],
    ]) {
      replies.push(await rawPost(port, path, body, { "Content-Type": "application/json" }));
    }
    const broken = JSON.parse(replies[0].body) as { code: number; error: string };
    assert.equal(broken.error, "internal error", "an unexpected failure is hidden behind a fixed text");
    const logged = server.logs.at("error", /matchmaking failed/);
    assert.equal(logged.length, 1, "the failure itself is in the log");
    assert.equal(logged[0].room, "broken");
    for (const reply of replies) assert.doesNotMatch(reply.body, INTERNALS);
    // Websocket side: an upgrade without a seat gets a fixed text.
    const stray = await rawUpgrade(port, "/processId/roomId?sessionId=nobody");
    assert.equal(stray.status, 410);
    assert.equal(stray.body, "seat reservation expired");
  });

  it(`releases a seat reserved at matchmaking but never claimed, after ${SEAT_RESERVATION_S} s`, async function () {
    this.timeout(SEAT_RESERVATION_S * 1000 + EVENT_TIMEOUT_MS * 2);
    // Server-side matchmaking reserves a seat exactly as the HTTP route does, and nobody connects.
    const reservedAt = performance.now();
    const reservation = await matchMaker.joinOrCreate(RoomName.battle, {}, { token: undefined, headers: {}, ip: "127.0.0.1" } as never);
    const room = matchMaker.getLocalRoomById(reservation.room.roomId)!;
    assert.equal(Object.keys(room["reservedSeats"]).length, 1);
    await eventually(async () => (await matchMaker.query({ roomId: room.roomId })).length === 0, "the room to go", SEAT_RESERVATION_S * 1000 + EVENT_TIMEOUT_MS);
    const seconds = (performance.now() - reservedAt) / 1000;
    assert.ok(seconds >= SEAT_RESERVATION_S - 0.1, `released after ${seconds.toFixed(1)} s`);
  });

  it("refuses upgrades without a seat before opening a socket, so a connect flood leaves nothing behind", async () => {
    const { port } = server;
    const joined = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, {}));
    const paths = (i: number) => [
      `/p/room${i}?sessionId=s${i}`, // no such room
      `/p/${joined.roomId}?sessionId=s${i}`, // a real room, no seat
      `/p/${joined.roomId}?sessionId=${joined.sessionId}`, // a seat already used
      `/p/${joined.roomId}`, // no session at all
    ][i % 4];
    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => rawUpgrade(port, paths(i))));
    assert.deepEqual([...new Set(flood.map((r) => r.status))], [410]);
    assert.equal(transportOf(server).openSockets, 1, "only the real player's socket is open");
    assert.equal(server.getRoomById(joined.roomId).clients.length, 1);
  });
});

describe("security: socket cap", () => {
  const cap = 3;
  const server = useServer({ MAX_SOCKETS: String(cap) });

  it("refuses upgrades beyond the open-socket cap with 503, and accepts again once one leaves", async () => {
    const rooms = [];
    for (let i = 0; i < cap; i++) rooms.push(hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "capped" })));
    const refused = await rawUpgrade(server.port, "/p/r?sessionId=x");
    assert.equal(refused.status, 503);
    await rooms[0].leave();
    await eventually(() => transportOf(server).openSockets < cap, "a socket to free up");
    rooms.push(hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "capped" })));
    assert.equal(transportOf(server).openSockets, cap);
  });
});

describe("security: ALLOWED_ORIGINS", () => {
  it("parses a list of origins and refuses anything that is not one", () => {
    assert.equal(parseAllowedOrigins(undefined).describe, "*");
    assert.equal(parseAllowedOrigins(" * ").describe, "*");
    const origins = parseAllowedOrigins("https://play.example.com, http://localhost:5173/");
    assert.equal(origins.allows("https://play.example.com"), true);
    assert.equal(origins.allows("http://localhost:5173"), true);
    assert.equal(origins.allows(undefined), true, "no Origin header: not a browser page");
    assert.equal(origins.allows("https://evil.example.com"), false);
    assert.equal(origins.allows("https://play.example.com.evil.com"), false);
    assert.equal(origins.allows("null"), false);
    for (const bad of ["play.example.com", "https://example.com/game", "ftp:", "https://*.example.com"]) {
      assert.throws(() => parseAllowedOrigins(bad), new RegExp(`ALLOWED_ORIGINS: "${bad.replace(/[.*/]/g, "\\$&")}" is not an origin`));
    }
  });

  describe("with ALLOWED_ORIGINS set", () => {
    const good = "https://play.example.com";
    const server = useServer({ ALLOWED_ORIGINS: good });

    it("refuses matchmaking and websocket upgrades from other origins, accepts the listed one and none", async () => {
      const { port } = server;
      const json = { "Content-Type": "application/json" };
      const foreign = await rawPost(port, "/matchmake/joinOrCreate/battle", "{}", { ...json, Origin: "https://evil.example.com" });
      assert.equal(foreign.status, 403);
      assert.equal(foreign.headers["access-control-allow-origin"], undefined);
      const preflight = await rawPost(port, "/matchmake/joinOrCreate/battle", null, { Origin: "https://evil.example.com" });
      assert.equal(preflight.status, 403);
      assert.equal((await matchMaker.query({})).length, 0, "no room was created");

      const listed = await rawPost(port, "/matchmake/joinOrCreate/battle", "{}", { ...json, Origin: good });
      assert.equal(listed.status, 200);
      assert.equal(listed.headers["access-control-allow-origin"], good);
      const seat = JSON.parse(listed.body) as { room: { roomId: string; processId: string }; sessionId: string };
      const path = `/${seat.room.processId}/${seat.room.roomId}?sessionId=${seat.sessionId}`;
      assert.equal((await rawUpgrade(port, path, { Origin: "https://evil.example.com" })).status, 403);
      const upgraded = await rawUpgrade(port, path, { Origin: good });
      assert.equal(upgraded.status, 101);
      upgraded.socket!.destroy();

      const native = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, {}));
      assert.ok(native.sessionId, "clients without an Origin header (native, tests) still join");
    });
  });
});

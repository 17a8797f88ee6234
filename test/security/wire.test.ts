/**
 * The wire guard in a real app: a seated client sending a frame outside the protocol is closed
 * undecoded, one flooding frames or bytes (messages no bucket of the room would count: repeated
 * JOIN_ROOM, pings, junk codes) is cut off, neither keeps a seat, and the honest player beside it
 * goes on.
 */
import assert from "node:assert/strict";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { CLOSE_BAD_FRAME, CLOSE_RATE_LIMITED, ClientMessage, RoomName, WIRE_FRAME_BURST } from "../../server/shared/protocol";
import { metricValue } from "../helpers/metrics";
import { openRawRoom, type RawRoom } from "../helpers/rawRoom";
import { hearAll, sdkOf, until } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { send } from "../../client/rooms";

const hex = (text: string) => Buffer.from(text.replace(/\s/g, ""), "hex");
/** ROOM_DATA "move" then a 4 KB BigInt: msgpackr spends milliseconds on each. */
const BIG_INT = Buffer.concat([hex("0d a4 6d 6f 76 65 c8 0f e0 42"), Buffer.alloc(0x0fe0, 0x7f)]);

describe("wire guard: a real app", () => {
  const server = useServer();
  const opened: RawRoom[] = [];
  afterEach(() => opened.splice(0).forEach((room) => room.close()));

  async function seated(): Promise<RawRoom> {
    const room = await openRawRoom(server.httpUrl, "joinOrCreate", RoomName.battle, { name: "Mallory" });
    opened.push(room);
    await room.joined;
    return room;
  }

  const shapes: [string, Buffer][] = [
    ["a 4 KB BigInt", BIG_INT],
    ["a RegExp", hex("0d a4 6d 6f 76 65 d4 78 00 92 a1 61 a0")],
    ["arrays 4000 deep", Buffer.concat([hex("0d a4 6d 6f 76 65"), Buffer.alloc(4000, 0x91)])],
    ["an empty frame", Buffer.alloc(0)],
    ["a code clients do not send", hex("ff 00")],
  ];
  for (const [what, bytes] of shapes) {
    it(`closes a client that sends ${what} with CLOSE_BAD_FRAME within 100 ms, keeps no seat for it, and the other player goes on`, async () => {
      const honest = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Honest" }));
      const attacker = await seated();
      const room = server.getRoomById<BattleState>(attacker.seat.room.roomId);
      const sentAt = performance.now();
      attacker.send(bytes);
      assert.equal(await attacker.closed, CLOSE_BAD_FRAME);
      const ms = performance.now() - sentAt;
      assert.ok(ms < 100, `closed after ${ms.toFixed(0)} ms`);
      await eventually(() => !room.state.players.has(attacker.seat.sessionId), "the attacker's player removed");
      send(honest, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
      await until(honest, (state) => state.players.get(honest.sessionId)?.lastInput === 1, "the honest move");
    });
  }

  it("cuts off a flood of frames no room bucket counts (JOIN_ROOM again and again) with CLOSE_RATE_LIMITED", async () => {
    const before = await metricValue(server.httpUrl, "game_wire_refusals_total", { reason: "flood" });
    const attacker = await seated();
    for (let i = 0; i <= WIRE_FRAME_BURST + 10; i++) attacker.send(Buffer.of(10));
    assert.equal(await attacker.closed, CLOSE_RATE_LIMITED);
    assert.equal((await metricValue(server.httpUrl, "game_wire_refusals_total", { reason: "flood" })) - before, 1);
  });

  it("cuts off a ping flood the same way, and a byte flood of fragments that never make a message", async () => {
    const pinger = await seated();
    // In batches under ws's own bound on pongs waiting to be written (maxPendingAutoPongs, 60).
    for (let sent = 0; sent <= WIRE_FRAME_BURST + 10 && pinger.socket.readyState === pinger.socket.OPEN; sent += 30) {
      const ponged = new Promise((resolve) => pinger.socket.once("pong", resolve));
      for (let i = 0; i < 30; i++) pinger.socket.ping();
      await Promise.race([ponged, pinger.closed]);
    }
    assert.equal(await pinger.closed, CLOSE_RATE_LIMITED);
    const fragments = await seated();
    // A binary frame without FIN, then empty continuations for ever: ws buffers nothing, emits nothing.
    const raw = (fragments.socket as unknown as { _socket: import("node:net").Socket })._socket;
    raw.write(hex("02 80 00 00 00 00"));
    const empty = hex("00 80 00 00 00 00");
    for (let i = 0; i < 20_000 && raw.writable; i++) raw.write(empty);
    assert.equal(await fragments.closed, CLOSE_RATE_LIMITED);
  });
});

import assert from "node:assert/strict";
import type { WebSocketClient } from "@colyseus/ws-transport";
import WebSocket from "ws";
import { ClientState, type Room } from "@colyseus/core";
import { DEFAULT_OUTGOING_LIMITS } from "../../server/config/serverLimits";
import {
  CLOSE_JOIN_UNACKNOWLEDGED,
  CLOSE_SEND_BACKLOG,
  OUTGOING_MAX_BYTES,
  RoomName,
  ServerMessage,
} from "../../server/shared/protocol";
import { metricValue } from "../helpers/metrics";
import { openRawRoom, type RawRoom } from "../helpers/rawRoom";
import { hearAll, sdkOf, until } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

/** 64 KB of payload per server-side send: the backlog passes OUTGOING_MAX_BYTES after a few dozen. */
const CHUNK = Buffer.alloc(64 * 1024, 7);

/** Sends CHUNK to `sessionId` from the server side every few ms until it has left the room. */
function floodFromServer(room: Room, sessionId: string): () => void {
  const timer = setInterval(() => {
    const client = room.clients.getById(sessionId);
    for (let i = 0; i < 8; i++) client?.send(ServerMessage.shutdown, CHUNK);
  }, 5);
  return () => clearInterval(timer);
}

describe("outgoing backpressure", function () {
  this.timeout(20_000);
  let raw: RawRoom | undefined;
  /** The app's outgoing limits, which each new socket copies: a test shortens them for its own sockets. */
  const outgoing = () => server.settings.limits.outgoing;
  // Ahead of useServer's clean-up: a socket that stopped reading would hold its room open.
  afterEach(() => {
    raw?.close();
    raw = undefined;
    Object.assign(outgoing(), DEFAULT_OUTGOING_LIMITS);
  });
  const server = useServer();
  const httpUrl = () => server.httpUrl;

  /**
   * An honest player and a raw client in one battle; the raw one stops reading (pongs every
   * `pongEveryMs`) while the server sends it CHUNKs, until its socket is closing (it is destroyed,
   * and the client leaves the room, DROP_CLOSE_GRACE_MS later).
   */
  async function slowReaderBesideHonest(pongEveryMs: number) {
    const honest = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Honest" }));
    const slow = (raw = await openRawRoom(httpUrl(), "joinById", honest.roomId, { name: "Slow" }));
    await slow.joined;
    const room = server.getRoomById(honest.roomId);
    // Joined and acknowledged: before the acknowledgement the server's sends are queued against the
    // much smaller pre-join budget, and the client would go for that instead (4408).
    await eventually(() => room.clients.getById(slow.seat.sessionId)?.state === ClientState.JOINED, "the slow reader to join");
    slow.stopReading(pongEveryMs);
    const stop = floodFromServer(room, slow.seat.sessionId);
    try {
      await eventually(() => (room.clients.getById(slow.seat.sessionId) as WebSocketClient | undefined)?.readyState !== WebSocket.OPEN, "the slow reader to be dropped", 10_000);
    } finally {
      stop();
    }
    return { honest, room };
  }

  it("drops a client that stops reading but answers pings, closes it with CLOSE_SEND_BACKLOG and keeps no seat; the other player goes on", async () => {
    const before = await metricValue(httpUrl(), "game_backpressure_drops_total", { reason: "backlog" });
    const { honest, room } = await slowReaderBesideHonest(100);
    // Read again within the close grace: the backlog drains and the close frame arrives behind it.
    raw!.resumeReading();
    assert.equal(await raw!.closed, CLOSE_SEND_BACKLOG);
    assert.ok(raw!.received > OUTGOING_MAX_BYTES, `received ${raw!.received} bytes`);
    await eventually(() => room.clients.length === 1, "the slow reader to leave the room");
    assert.equal(room.hasReservedSeat(raw!.seat.sessionId), false, "no reconnection seat");
    const tick = honest.state.tick;
    await until(honest, (state) => state.tick >= tick + 5, "the honest player's patches");
    assert.equal(await metricValue(httpUrl(), "game_backpressure_drops_total", { reason: "backlog" }), before + 1);
  });

  it("keeps a client that reads, even after a burst close to the cap", async () => {
    const honest = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Reader" }));
    const room = server.getRoomById(honest.roomId);
    const client = room.clients[0]!;
    // Before the acknowledgement Colyseus would queue the burst, past PRE_ACK_QUEUE_BYTES.
    await eventually(() => client.state === ClientState.JOINED, "the join to be acknowledged");
    const burst = Math.floor((OUTGOING_MAX_BYTES * 0.8) / CHUNK.byteLength);
    const got = new Promise<void>((resolve) => {
      let n = 0;
      honest.onMessage(ServerMessage.shutdown, () => ++n === burst && resolve());
    });
    for (let i = 0; i < burst; i++) client.send(ServerMessage.shutdown, CHUNK);
    await got;
    assert.ok(room.clients.getById(client.sessionId), "still in the room");
  });

  it("drops a client whose backlog never drains below the mark, pongs or not", async () => {
    Object.assign(outgoing(), { stallMs: 300, maxBytes: 64 * OUTGOING_MAX_BYTES });
    const before = await metricValue(httpUrl(), "game_backpressure_drops_total", { reason: "stalled" });
    await slowReaderBesideHonest(50);
    assert.equal(await metricValue(httpUrl(), "game_backpressure_drops_total", { reason: "stalled" }), before + 1);
  });

  it("drops a client that never acknowledges JOIN_ROOM with CLOSE_JOIN_UNACKNOWLEDGED", async () => {
    Object.assign(outgoing(), { joinAckMs: 300 });
    raw = await openRawRoom(httpUrl(), "joinOrCreate", RoomName.battle, { name: "Mute" }, { acknowledge: false });
    await raw.joined;
    assert.equal(await raw.closed, CLOSE_JOIN_UNACKNOWLEDGED);
    const room = server.getRoomById(raw.seat.room.roomId);
    await eventually(() => !room || !room.clients.getById(raw!.seat.sessionId), "the client to leave the room");
  });

  it("caps what Colyseus queues before JOIN_ROOM is acknowledged at PRE_ACK_QUEUE_BYTES, and drops the client with CLOSE_JOIN_UNACKNOWLEDGED", async () => {
    const before = await metricValue(httpUrl(), "game_backpressure_drops_total", { reason: "join_queue" });
    raw = await openRawRoom(httpUrl(), "joinOrCreate", RoomName.battle, { name: "Mute" }, { acknowledge: false });
    await raw.joined;
    const room = server.getRoomById(raw.seat.room.roomId);
    const stop = floodFromServer(room, raw.seat.sessionId);
    try {
      assert.equal(await raw.closed, CLOSE_JOIN_UNACKNOWLEDGED);
    } finally {
      stop();
    }
    assert.equal(await metricValue(httpUrl(), "game_backpressure_drops_total", { reason: "join_queue" }), before + 1);
    // Nothing of the queue was sent: the client got JOIN_ROOM and the close frame only.
    assert.ok(raw.received < CHUNK.byteLength, `received ${raw.received} bytes`);
  });
});

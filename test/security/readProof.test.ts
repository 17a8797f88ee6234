/**
 * Proof of reading: bytes the kernel accepted for a client that does not read count against its
 * backlog (the old count, Node's write buffer alone, stayed near zero while the kernel held them);
 * a pong proves reading only when it carries the nonce of a ping; a client that never does is
 * terminated however many pongs it sends unasked; a reader is never taken for a non-reader.
 */
import assert from "node:assert/strict";
import type { Room } from "@colyseus/core";
import type { WebSocketClient } from "@colyseus/ws-transport";
import WebSocket, { WebSocketServer } from "ws";
import { DEFAULT_OUTGOING_LIMITS } from "../../server/config/serverLimits";
import { ReadProof } from "../../server/security/readProof";
import { CLOSE_SEND_BACKLOG, LIVENESS_MISSED_MAX, LIVENESS_PING_MS, RoomName, ServerMessage } from "../../server/shared/protocol";
import { openRawRoom, type RawRoom } from "../helpers/rawRoom";
import { hearAll, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

describe("proof of reading: the nonce", () => {
  it("counts a pong as proof only when it carries a ping's nonce back, and then everything sent before that ping as read", async () => {
    const wss = new WebSocketServer({ port: 0 });
    await new Promise((resolve) => wss.once("listening", resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`, { autoPong: false });
    const [server] = await Promise.all([new Promise<WebSocket>((resolve) => wss.once("connection", resolve)), new Promise((r) => client.once("open", r))]);
    try {
      const proof = new ReadProof(server);
      server.on("pong", (data: Buffer) => proof.ponged(data));
      server.send(Buffer.alloc(10_000));
      await eventually(() => proof.unproven >= 10_000, "the bytes to be written");
      client.pong(Buffer.from("guess-me"));
      client.pong();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(proof.unproven >= 10_000, "unasked pongs prove nothing");
      const pinged = new Promise<Buffer>((resolve) => client.once("ping", resolve));
      proof.ping();
      client.pong(await pinged); // what a reading client (browsers, ws) does by itself
      await eventually(() => proof.unproven === 0, "the echoed nonce to prove the bytes read");
      assert.equal(proof.missed, 0);
    } finally {
      client.terminate();
      wss.close();
    }
  });
});

describe("proof of reading: fresh nonces", () => {
  it("pings with a different 8-byte nonce every time, across its draws from the random source", () => {
    const nonces: string[] = [];
    const socket = { OPEN: 1, readyState: 1, ping: (nonce: Buffer) => nonces.push(nonce.toString("hex")) } as unknown as WebSocket;
    const proof = new ReadProof(socket);
    for (let i = 0; i < 50; i++) proof.ping();
    assert.equal(nonces.length, 50);
    assert.ok(nonces.every((n) => n.length === 16), "8 bytes each");
    assert.equal(new Set(nonces).size, 50, "no nonce repeats");
  });
});

describe("proof of reading: a real app", function () {
  this.timeout(30_000);
  let raw: RawRoom | undefined;
  const outgoing = () => server.settings.limits.outgoing;
  afterEach(() => {
    raw?.close();
    raw = undefined;
    Object.assign(outgoing(), DEFAULT_OUTGOING_LIMITS);
  });
  const server = useServer();

  it("drops a non-reader whose bytes the kernel accepted (Node's buffer stayed small) once they pass the cap, pongs or not", async () => {
    Object.assign(outgoing(), { maxBytes: 256 * 1024, drainedBytes: 16 * 1024, stallMs: 60_000 });
    const honest = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Honest" }));
    const slow = (raw = await openRawRoom(server.httpUrl, "joinById", honest.roomId, { name: "Slow" }));
    await slow.joined;
    const room: Room = server.getRoomById(honest.roomId);
    await eventually(() => room.clients.getById(slow.seat.sessionId), "the slow reader to join");
    slow.stopReading(200);
    // 1 KB every 5 ms: slow enough that the kernel's buffers take it all, Node's stays empty.
    let nodeBufferedMax = 0;
    const timer = setInterval(() => {
      const client = room.clients.getById(slow.seat.sessionId) as (WebSocketClient & { ref: WebSocket }) | undefined;
      if (!client) return;
      client.send(ServerMessage.shutdown, Buffer.alloc(1024, 7));
      nodeBufferedMax = Math.max(nodeBufferedMax, client.ref.bufferedAmount);
    }, 5);
    try {
      await eventually(() => (room.clients.getById(slow.seat.sessionId) as WebSocketClient | undefined)?.readyState !== WebSocket.OPEN, "the non-reader to be dropped", 20_000);
    } finally {
      clearInterval(timer);
    }
    assert.ok(nodeBufferedMax < 64 * 1024, `Node's own buffer stayed at ${nodeBufferedMax} B: the old count would never have dropped it`);
    slow.resumeReading();
    assert.equal(await slow.closed, CLOSE_SEND_BACKLOG);
  });

  it(`terminates a socket that sends pongs unasked but never echoes a nonce, after ${LIVENESS_MISSED_MAX} pings; a reader stays`, async () => {
    const reader = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "quiet", name: "Reader" }));
    const silent = (raw = await openRawRoom(server.httpUrl, "joinOrCreate", RoomName.chat, { channel: "quiet", name: "Silent" }));
    await silent.joined;
    const startedAt = performance.now();
    silent.stopReading(300);
    await silent.gone;
    const seconds = (performance.now() - startedAt) / 1000;
    assert.ok(seconds <= ((LIVENESS_MISSED_MAX + 1) * LIVENESS_PING_MS) / 1000 + 2, `gone after ${seconds.toFixed(1)} s`);
    const socket = (reader.connection.transport as unknown as { ws: WebSocket }).ws;
    assert.equal(socket.readyState, WebSocket.OPEN, "the reader is still connected");
  });
});

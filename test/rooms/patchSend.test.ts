/**
 * A patch and a client's own ack leave as one websocket message, in one socket write, without a
 * per-client copy of the patch (server/rooms/interest.ts sendPatch).
 */
import type { Client } from "@colyseus/core";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { sendPatch } from "../../server/rooms/interestViews";

/** Node hands `_writev` its buffered writes as `{ chunk }` entries, or as the buffers themselves when all are buffers. */
type Chunk = Buffer | { chunk: Buffer };
const bufferOf = (entry: Chunk): Buffer => (Buffer.isBuffer(entry) ? entry : entry.chunk);
type Writev = (chunks: Chunk[], cb: (error?: Error | null) => void) => void;

describe("patch sending", () => {
  let wss: WebSocketServer;
  let server: WebSocket;
  let client: WebSocket;
  beforeEach(async () => {
    wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await once(wss, "listening");
    const accepted = once(wss, "connection") as Promise<[WebSocket]>;
    client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    [server] = await accepted;
    await once(client, "open");
  });
  afterEach(async () => {
    client.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it("sends patch + ack as one message in one socket write, with the patch itself, not a copy, in it", async () => {
    const socket = (server as unknown as { _socket: { _writev: Writev } })._socket;
    const writes: Chunk[][] = [];
    const writev = socket._writev.bind(socket);
    socket._writev = (chunks, cb) => (writes.push(chunks), writev(chunks, cb));
    const body = Buffer.alloc(5000, 7);
    const ack = Buffer.from([255, 3, 4, 2]);
    const received = once(client, "message") as Promise<[Buffer, boolean]>;
    sendPatch({ ref: server } as unknown as Client, body, ack);
    const [message, binary] = await received;
    assert.ok(binary);
    assert.ok(message.equals(Buffer.concat([body, ack])), "the client gets patch and ack joined");
    assert.equal(writes.length, 1, "one socket write");
    assert.ok(writes[0]!.some((entry) => bufferOf(entry) === body), "the shared patch is written as it is, not copied per client");
  });

  it("sends a patch without an ack as it is, and nothing to a socket that is closing", async () => {
    const sent: Buffer[] = [];
    const fake = { ref: server, raw: (data: Buffer) => sent.push(data) } as unknown as Client;
    const body = Buffer.from([1, 2, 3]);
    sendPatch(fake, body, undefined);
    assert.deepEqual(sent, [body]);
    server.close();
    sendPatch(fake, body, Buffer.from([9]));
    assert.equal(sent.length, 1);
  });
});

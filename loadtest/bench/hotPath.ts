/**
 * A fixed workload of the per-client path that is ours and not the baseline's: a socket wrapped as
 * the transport wraps every connection (wire guard, backpressure guard with its proofs of reading,
 * wire meter) receives one `move` and is sent one tick's patch as two fragments, CLIENTS x TICKS
 * times, then the wire meter's metrics are scraped once. No network, no timers: run under `valgrind --tool=callgrind`
 * by ./instructions.ts, its instruction count does not depend on the machine's load.
 *
 *   node loadtest/bench/hotPath.js TICKS   (the bundle ./instructions.ts builds)
 */
import { pack } from "@colyseus/msgpackr";
import { Protocol } from "@colyseus/core";
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { DEFAULT_OUTGOING_LIMITS, DEFAULT_WIRE_BUDGET } from "../../server/config/serverLimits";
import { Backpressure } from "../../server/security/backpressure";
import { WireGuard } from "../../server/security/wireGuard";
import { guardWire } from "../../server/security/wireSocket";
import type { Logger } from "../../server/telemetry/log";
import { Metrics } from "../../server/telemetry/metrics";
import { meterSocket } from "../../server/telemetry/wireMeter";

/** Clients of the workload. */
export const CLIENTS = 100;
/** A 200-player all-see-all patch: about 10 bytes per moved player. */
const PATCH_BYTES = 2000;
const ACK_BYTES = 6;

/** Just enough of a `ws` socket for the guards: sends count as written bytes, a ping is answered at the next tick. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly _socket = Object.assign(new EventEmitter(), { bytesWritten: 0, cork() {}, uncork() {} });

  send(data: Uint8Array, _options?: { binary: boolean; fin: boolean }): void {
    this._socket.bytesWritten += data.byteLength;
  }

  private unanswered: Buffer[] = [];

  ping(nonce: Buffer): void {
    this.unanswered.push(nonce);
  }

  /** The client read everything so far: it answers its pings. */
  pong(): void {
    for (const nonce of this.unanswered.splice(0)) this.emit("pong", nonce);
  }
}

function moveFrame(seq: number): Buffer {
  const head = Buffer.from([Protocol.ROOM_DATA, 0xa0 | 4, ...Buffer.from("move")]);
  return Buffer.concat([head, pack({ seq, dx: 1, dy: 0 })]);
}

export async function run(ticks: number): Promise<number> {
  const quiet = { warn() {}, debug() {}, info() {}, error() {} } as unknown as Logger;
  const metrics = new Metrics();
  const backpressure = new Backpressure(DEFAULT_OUTGOING_LIMITS, quiet, metrics);
  const req = { url: "/process/room?sessionId=s" } as IncomingMessage;
  const sockets = Array.from({ length: CLIENTS }, () => {
    const socket = new FakeSocket();
    const ws = socket as unknown as WebSocket;
    guardWire(ws, new WireGuard(DEFAULT_WIRE_BUDGET), () => {});
    backpressure.guard(ws);
    meterSocket(metrics, ws, req);
    // Colyseus's own listener, and the client's JOIN_ROOM acknowledgement that ends the join wait.
    socket.on("message", () => {});
    socket.emit("message", Buffer.from([Protocol.JOIN_ROOM]));
    return socket;
  });
  const patch = Buffer.alloc(PATCH_BYTES, 1);
  patch[0] = Protocol.ROOM_STATE_PATCH;
  const ack = Buffer.alloc(ACK_BYTES, 2);
  for (let tick = 1; tick <= ticks; tick++) {
    const move = moveFrame(tick);
    for (const socket of sockets) {
      socket.pong();
      socket._socket.emit("data", move);
      socket.emit("message", move);
      // As sendPatch (server/rooms/interestViews.ts): the patch and the client's ack, two fragments of one message.
      socket.send(patch, { binary: true, fin: false });
      socket.send(ack, { binary: true, fin: true });
    }
  }
  // The scrape of what the wire meter counts (the room gauges need a matchmaker).
  const names = ["game_messages_received_total", "game_bytes_sent_total", "game_patch_bytes"];
  const texts = await Promise.all(names.map((name) => metrics.registry.getSingleMetricAsString(name)));
  return texts.join("\n").length;
}

if (require.main === module) {
  const ticks = Number(process.argv[2] ?? "0");
  void run(ticks).then((length) => process.stdout.write(`${CLIENTS} clients x ${ticks} ticks, metrics ${length} B\n`));
}

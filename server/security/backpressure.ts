/**
 * Outgoing backpressure: a client that does not read what it is sent is dropped before its backlog
 * fills the server's memory or the kernel's. What counts is every byte sent and not proven read
 * (./readProof.ts: in Node's write buffer, the kernel's send queue, the network or the client's
 * receive queue) and, before the client acknowledges JOIN_ROOM, Colyseus's `_enqueuedMessages` of
 * that client. Both count against one cap; a client
 * whose backlog never drains is dropped too, however many pongs it sends, and so is one that never
 * acknowledges JOIN_ROOM. A dropped client keeps no reconnection seat (server/rooms/reconnect.ts).
 */
import { ClientState, Protocol, type ISendOptions } from "@colyseus/core";
import { WebSocketClient } from "@colyseus/ws-transport";
import type { RawData, WebSocket } from "ws";
import type { OutgoingLimits } from "../config/serverLimits";
import { CLOSE_JOIN_UNACKNOWLEDGED, CLOSE_SEND_BACKLOG } from "../shared/codes";
import { DROP_CLOSE_GRACE_MS, PRE_ACK_QUEUE_BYTES, PRE_ACK_QUEUE_TOTAL_BYTES, READ_PROOF_EVERY_BYTES } from "../shared/limits";
import type { Logger } from "../telemetry/log";
import type { Metrics } from "../telemetry/metrics";
import { readProofOf, type ReadProof } from "./readProof";

export type DropReason = "backlog" | "stalled" | "join_unacknowledged" | "join_queue";

const CLOSE_CODE: Record<DropReason, number> = {
  backlog: CLOSE_SEND_BACKLOG,
  stalled: CLOSE_SEND_BACKLOG,
  join_unacknowledged: CLOSE_JOIN_UNACKNOWLEDGED,
  join_queue: CLOSE_JOIN_UNACKNOWLEDGED,
};

/** Bytes queued before JOIN_ROOM's acknowledgement by every client of one app. */
interface PreAckTotal {
  bytes: number;
}

/** One socket's outgoing bookkeeping. */
class OutgoingGuard {
  /** Bytes Colyseus holds for this client until it acknowledges JOIN_ROOM. */
  queuedBeforeJoin = 0;
  /** Last time the backlog was at or below `drainedBytes` (ms, monotonic). */
  drainedAt = performance.now();
  dropped: DropReason | undefined;
  private joinDeadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly proof: ReadProof,
    private readonly limits: OutgoingLimits,
    private readonly preAck: PreAckTotal,
    private readonly onDrop: (reason: DropReason, backlog: number) => void,
  ) {}

  /** `bytes` more queued before the acknowledgement: false (and the client dropped) past its cap or the app's. */
  queueBeforeJoin(bytes: number): boolean {
    if (this.queuedBeforeJoin + bytes > PRE_ACK_QUEUE_BYTES || this.preAck.bytes + bytes > PRE_ACK_QUEUE_TOTAL_BYTES) {
      this.drop("join_queue", this.queuedBeforeJoin + bytes);
      return false;
    }
    this.queuedBeforeJoin += bytes;
    this.preAck.bytes += bytes;
    return true;
  }

  private releaseQueued(): void {
    this.preAck.bytes -= this.queuedBeforeJoin;
    this.queuedBeforeJoin = 0;
  }

  /** Sent and not proven read (Node's buffer, the kernel's, the network, the client's), plus what waits for JOIN_ROOM's acknowledgement. */
  get backlog(): number {
    return Math.max(this.proof.unproven, this.socket.bufferedAmount) + this.queuedBeforeJoin;
  }

  /** After a send: a reader of a busy room proves itself every READ_PROOF_EVERY_BYTES, not only at the heartbeat. */
  askProof(): void {
    if (!this.dropped && !this.proof.pending && this.proof.unproven > READ_PROOF_EVERY_BYTES) this.proof.ping();
  }

  /** After every send: over the cap, or above the drained mark for too long, the client goes. */
  check(): void {
    if (this.dropped) return;
    const backlog = this.backlog;
    const now = performance.now();
    if (backlog > this.limits.maxBytes) return this.drop("backlog", backlog);
    if (backlog <= this.limits.drainedBytes) this.drainedAt = now;
    else if (now - this.drainedAt > this.limits.stallMs) this.drop("stalled", backlog);
  }

  /** The server sent JOIN_ROOM: the client has `joinAckMs` to answer it. */
  awaitAck(): void {
    if (this.joinDeadline || this.dropped) return;
    this.joinDeadline = setTimeout(() => this.drop("join_unacknowledged", this.backlog), this.limits.joinAckMs);
    this.joinDeadline.unref();
  }

  acknowledged(): void {
    clearTimeout(this.joinDeadline);
    this.releaseQueued();
  }

  ended(): void {
    clearTimeout(this.joinDeadline);
    this.releaseQueued();
  }

  drop(reason: DropReason, backlog: number): void {
    if (this.dropped) return;
    this.dropped = reason;
    clearTimeout(this.joinDeadline);
    this.onDrop(reason, backlog);
    // Nothing it still sends is handled: a dropped client cannot keep asking for replies it will never read.
    this.socket.removeAllListeners("message");
    // The close frame reaches a client that catches up; one that does not loses its backlog with the socket.
    this.socket.close(CLOSE_CODE[reason], reason);
    setTimeout(() => this.socket.terminate(), DROP_CLOSE_GRACE_MS).unref();
  }
}

/** Where a socket's guard is kept: on the socket itself, so the patched Colyseus client can find it. */
const GUARD = Symbol("outgoing guard");
type Guarded = WebSocket & { [GUARD]?: OutgoingGuard };
/** Marks WebSocketClient.prototype once its enqueueRaw counts queued bytes. */
const COUNTS_QUEUED = Symbol("counts queued bytes");

/** The outgoing limits of one app's sockets (server/config/serverLimits.ts OutgoingLimits). */
export class Backpressure {
  /** Bytes queued before JOIN_ROOM's acknowledgement by every client of this app (PRE_ACK_QUEUE_TOTAL_BYTES). */
  readonly preAck: PreAckTotal = { bytes: 0 };

  constructor(
    private readonly limits: OutgoingLimits,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Called for each new socket, before Colyseus sees it (the transport's onConnection);
   * `acknowledged` is called once the client acknowledges JOIN_ROOM.
   */
  guard(socket: WebSocket, acknowledged: () => void = () => {}): void {
    countQueuedMessages();
    let guard: OutgoingGuard | undefined;
    // A proof lowers the backlog: the stall clock sees it drained.
    const proof = readProofOf(socket, () => guard?.check());
    guard = new OutgoingGuard(socket, proof, { ...this.limits }, this.preAck, (reason, backlog) => {
      this.metrics.countBackpressureDrop(reason);
      this.log.warn({ reason, backlogBytes: backlog }, "dropped a client that does not read what it is sent");
    });
    (socket as Guarded)[GUARD] = guard;

    const send = socket.send.bind(socket) as (data: ArrayLike<number>, ...rest: unknown[]) => void;
    socket.send = ((data: ArrayLike<number>, ...rest: unknown[]) => {
      send(data, ...rest);
      if (data[0] === Protocol.JOIN_ROOM) guard!.awaitAck();
      guard!.check();
      guard!.askProof();
    }) as WebSocket["send"];

    const onMessage = (data: RawData) => {
      if (!Buffer.isBuffer(data) || data[0] !== Protocol.JOIN_ROOM) return;
      guard!.acknowledged();
      acknowledged();
      socket.off("message", onMessage);
    };
    socket.on("message", onMessage);
    socket.once("close", () => guard!.ended());
  }
}

/** Why `socket` was dropped by its guard, if it was: its room must not keep a seat for it. */
export function droppedForBackpressure(socket: WebSocket | undefined): DropReason | undefined {
  return (socket as Guarded | undefined)?.[GUARD]?.dropped;
}

/**
 * Colyseus queues a JOINING client's messages in `_enqueuedMessages` and never looks at their size;
 * this counts them against the client's cap and stops queueing for a dropped client. Installed once
 * per process, on the class every connection uses (as ws-transport's own simulateLatency patches `raw`).
 */
function countQueuedMessages(): void {
  const proto = WebSocketClient.prototype as WebSocketClient & { [COUNTS_QUEUED]?: true };
  if (proto[COUNTS_QUEUED]) return;
  proto[COUNTS_QUEUED] = true;
  const enqueueRaw = proto.enqueueRaw;
  proto.enqueueRaw = function (this: WebSocketClient, data: Uint8Array | Buffer, options?: ISendOptions) {
    const guard = (this.ref as Guarded)[GUARD];
    if (guard && this.state === ClientState.JOINING && !options?.afterNextPatch) {
      if (guard.dropped || !guard.queueBeforeJoin(data.byteLength)) return;
      guard.check();
      if (guard.dropped) return;
    }
    enqueueRaw.call(this, data, options);
  };
}

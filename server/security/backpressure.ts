/**
 * Outgoing backpressure: a client that does not read what it is sent is dropped before its backlog
 * fills the server's memory. Bytes pile up in two places: the socket's write buffer (ws
 * `bufferedAmount`, growing once the kernel's buffers are full) and, before the client acknowledges
 * JOIN_ROOM, Colyseus's `_enqueuedMessages` of that client. Both count against one cap; a client
 * whose backlog never drains is dropped too, however many pongs it sends, and so is one that never
 * acknowledges JOIN_ROOM. A dropped client keeps no reconnection seat (server/rooms/reconnect.ts).
 */
import { ClientState, Protocol, type ISendOptions } from "@colyseus/core";
import { WebSocketClient } from "@colyseus/ws-transport";
import type { RawData, WebSocket } from "ws";
import { logger } from "../log";
import { countBackpressureDrop } from "../ops/metrics";
import {
  CLOSE_JOIN_UNACKNOWLEDGED,
  CLOSE_SEND_BACKLOG,
  DROP_CLOSE_GRACE_MS,
  JOIN_ACK_DEADLINE_MS,
  OUTGOING_DRAINED_BYTES,
  OUTGOING_MAX_BYTES,
  OUTGOING_STALL_MS,
} from "../shared/protocol";

export type DropReason = "backlog" | "stalled" | "join_unacknowledged";

export interface BackpressureLimits {
  maxBytes: number;
  stallMs: number;
  drainedBytes: number;
  joinAckMs: number;
}

/** The limits each new socket gets (tests shorten them; nothing else changes them). */
export const backpressureLimits: BackpressureLimits = {
  maxBytes: OUTGOING_MAX_BYTES,
  stallMs: OUTGOING_STALL_MS,
  drainedBytes: OUTGOING_DRAINED_BYTES,
  joinAckMs: JOIN_ACK_DEADLINE_MS,
};

const CLOSE_CODE: Record<DropReason, number> = {
  backlog: CLOSE_SEND_BACKLOG,
  stalled: CLOSE_SEND_BACKLOG,
  join_unacknowledged: CLOSE_JOIN_UNACKNOWLEDGED,
};

/** One socket's outgoing bookkeeping. */
class OutgoingGuard {
  /** Bytes Colyseus holds for this client until it acknowledges JOIN_ROOM. */
  queuedBeforeJoin = 0;
  /** Last time the backlog was at or below `drainedBytes` (ms, monotonic). */
  drainedAt = performance.now();
  dropped: DropReason | undefined;
  private joinDeadline: NodeJS.Timeout | undefined;

  constructor(private readonly socket: WebSocket, private readonly limits: BackpressureLimits) {}

  get backlog(): number {
    return this.socket.bufferedAmount + this.queuedBeforeJoin;
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
    this.queuedBeforeJoin = 0;
  }

  ended(): void {
    clearTimeout(this.joinDeadline);
  }

  drop(reason: DropReason, backlog: number): void {
    if (this.dropped) return;
    this.dropped = reason;
    clearTimeout(this.joinDeadline);
    countBackpressureDrop(reason);
    logger.warn({ reason, backlogBytes: backlog }, "dropped a client that does not read what it is sent");
    // Nothing it still sends is handled: a dropped client cannot keep asking for replies it will never read.
    this.socket.removeAllListeners("message");
    // The close frame reaches a client that catches up; one that does not loses its backlog with the socket.
    this.socket.close(CLOSE_CODE[reason], reason);
    setTimeout(() => this.socket.terminate(), DROP_CLOSE_GRACE_MS).unref();
  }
}

const guards = new WeakMap<WebSocket, OutgoingGuard>();

/** Called for each new socket, before Colyseus sees it (GuardedTransport.onConnection). */
export function guardOutgoing(socket: WebSocket): void {
  countQueuedMessages();
  const guard = new OutgoingGuard(socket, { ...backpressureLimits });
  guards.set(socket, guard);

  const send = socket.send.bind(socket) as (data: ArrayLike<number>, ...rest: unknown[]) => void;
  socket.send = ((data: ArrayLike<number>, ...rest: unknown[]) => {
    send(data, ...rest);
    if (data[0] === Protocol.JOIN_ROOM) guard.awaitAck();
    guard.check();
  }) as WebSocket["send"];

  const onMessage = (data: RawData) => {
    if (!Buffer.isBuffer(data) || data[0] !== Protocol.JOIN_ROOM) return;
    guard.acknowledged();
    socket.off("message", onMessage);
  };
  socket.on("message", onMessage);
  socket.once("close", () => guard.ended());
}

/** True when `socket` was dropped by this guard: its room must not keep a seat for it. */
export function droppedForBackpressure(socket: WebSocket | undefined): DropReason | undefined {
  return socket ? guards.get(socket)?.dropped : undefined;
}

let counting = false;

/**
 * Colyseus queues a JOINING client's messages in `_enqueuedMessages` and never looks at their size;
 * this counts them against the client's cap and stops queueing for a dropped client. Installed once,
 * on the class every connection uses (as ws-transport's own simulateLatency patches `raw`).
 */
function countQueuedMessages(): void {
  if (counting) return;
  counting = true;
  const enqueueRaw = WebSocketClient.prototype.enqueueRaw;
  WebSocketClient.prototype.enqueueRaw = function (this: WebSocketClient, data: Uint8Array | Buffer, options?: ISendOptions) {
    const guard = guards.get(this.ref);
    if (guard && this.state === ClientState.JOINING && !options?.afterNextPatch) {
      if (guard.dropped) return;
      guard.queuedBeforeJoin += data.byteLength;
      guard.check();
      if (guard.dropped) return;
    }
    enqueueRaw.call(this, data, options);
  };
}

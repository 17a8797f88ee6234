/**
 * Every websocket connection metered where the bytes are: messages received by type, bytes and
 * patch sizes sent, reconnections. Rooms need no code for these; the transport calls
 * {@link meterSocket} for each new socket (server/security/transport.ts).
 */
import { Protocol, matchMaker } from "@colyseus/core";
import { decode, type Iterator } from "@colyseus/schema";
import type { IncomingMessage } from "node:http";
import type { RawData, WebSocket } from "ws";
import { messageTypeLabel, roomLabel, transportLabel, type Metrics } from "./metrics";
import type { FrameKind } from "./wireTally";

function frameKind(code: number | undefined): FrameKind {
  switch (code) {
    case Protocol.ROOM_STATE_PATCH:
      return "patch";
    case Protocol.ROOM_STATE:
      return "state";
    case Protocol.ROOM_DATA:
    case Protocol.ROOM_DATA_BYTES:
      return "message";
    default:
      return "other";
  }
}

/** The message type of a ROOM_DATA frame (a string or a number after the code byte). */
function messageType(frame: Buffer): string | number | undefined {
  try {
    const it: Iterator = { offset: 1 };
    return decode.stringCheck(frame, it) ? decode.string(frame, it) : decode.number(frame, it);
  } catch {
    return undefined;
  }
}

export function meterSocket(metrics: Metrics, socket: WebSocket, req: IncomingMessage): void {
  // Same URL parsing as WebSocketTransport: /<processId>/<roomId>?sessionId=...&reconnectionToken=...
  const url = new URL(`ws://server/${req.url ?? ""}`);
  const received = metrics.wire.receivedIn(roomLabel(matchMaker.getLocalRoomById(url.pathname.split("/").pop() ?? "")?.roomName));

  socket.on("message", (data: RawData) => {
    if (!Buffer.isBuffer(data) || (data[0] !== Protocol.ROOM_DATA && data[0] !== Protocol.ROOM_DATA_BYTES)) return;
    // Read per message: a fallback session upgrades to a WebSocket midway.
    received[transportLabel(socket)][messageTypeLabel(messageType(data))]! += 1;
  });

  // A reconnection succeeded when the first frame back is JOIN_ROOM; an ERROR frame refuses it.
  let reconnectionPending = url.searchParams.has("reconnectionToken");
  const send = socket.send.bind(socket) as (data: ArrayLike<number>, ...rest: unknown[]) => void;
  socket.send = ((data: ArrayLike<number> & { byteLength?: number }, ...rest: unknown[]) => {
    metrics.wire.frameSent(frameKind(data[0]), data.byteLength ?? data.length);
    if (reconnectionPending) {
      reconnectionPending = false;
      metrics.reconnections.inc({ outcome: data[0] === Protocol.JOIN_ROOM ? "ok" : "refused" });
    }
    send(data, ...rest);
  }) as WebSocket["send"];
}

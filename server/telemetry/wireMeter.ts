/**
 * Every websocket connection metered where the bytes are: messages received by type, bytes and
 * patch sizes sent, reconnections. Rooms need no code for these; the transport calls
 * {@link meterSocket} for each new socket (server/security/transport.ts).
 */
import { Protocol, matchMaker } from "@colyseus/core";
import type { IncomingMessage } from "node:http";
import type { RawData, WebSocket } from "ws";
import { ClientMessage } from "../shared/protocol";
import { roomLabel, transportLabel, type Metrics } from "./metrics";
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

/** Each client message name as a ROOM_DATA frame carries it after the code byte: a fixstr (0xa0 + length, then the bytes). */
const ENCODED_TYPES: readonly (readonly [Uint8Array, string])[] = Object.values(ClientMessage).map(
  (name) => [Uint8Array.of(0xa0 + Buffer.byteLength(name), ...Buffer.from(name)), name] as const,
);

/** The label of a ROOM_DATA frame's message type, read in place (no string decoded per message): a client message name, or "other". */
export function typeLabelOf(frame: Uint8Array): string {
  for (const [encoded, name] of ENCODED_TYPES) {
    if (frame.length < encoded.length + 1) continue;
    let i = 0;
    while (i < encoded.length && frame[i + 1] === encoded[i]) i++;
    if (i === encoded.length) return name;
  }
  return "other";
}

export function meterSocket(metrics: Metrics, socket: WebSocket, req: IncomingMessage): void {
  // Same URL parsing as WebSocketTransport: /<processId>/<roomId>?sessionId=...&reconnectionToken=...
  const url = new URL(`ws://server/${req.url ?? ""}`);
  const received = metrics.wire.receivedIn(roomLabel(matchMaker.getLocalRoomById(url.pathname.split("/").pop() ?? "")?.roomName));

  socket.on("message", (data: RawData) => {
    if (!Buffer.isBuffer(data) || (data[0] !== Protocol.ROOM_DATA && data[0] !== Protocol.ROOM_DATA_BYTES)) return;
    // Read per message: a fallback session upgrades to a WebSocket midway.
    received[transportLabel(socket)][typeLabelOf(data)]! += 1;
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

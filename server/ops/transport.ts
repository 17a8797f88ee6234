import { Protocol, matchMaker } from "@colyseus/core";
import { decode, type Iterator } from "@colyseus/schema";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { IncomingMessage } from "node:http";
import type { RawData, WebSocket } from "ws";
import { RoomName } from "../shared/protocol";
import { bytesSent, messageTypeLabel, messagesReceived, patchBytes, reconnections } from "./metrics";

/**
 * The websocket transport with every connection metered where the bytes are: messages received by
 * type, bytes and patch sizes sent, reconnections. Rooms need no code for these.
 */
export class MeteredTransport extends WebSocketTransport {
  // Colyseus registers this method itself as the WebSocketServer's `connection` listener, unbound:
  // it must not use `this`.
  protected override async onConnection(rawClient: WebSocket & { pingCount: number }, req: IncomingMessage) {
    meter(rawClient, req);
    return super.onConnection(rawClient, req);
  }
}

const KNOWN_ROOMS: ReadonlySet<string> = new Set(Object.values(RoomName));

function frameKind(code: number | undefined): string {
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

function meter(socket: WebSocket, req: IncomingMessage): void {
  // Same URL parsing as WebSocketTransport: /<processId>/<roomId>?sessionId=...&reconnectionToken=...
  const url = new URL(`ws://server/${req.url ?? ""}`);
  const roomName = matchMaker.getLocalRoomById(url.pathname.split("/").pop() ?? "")?.roomName;
  const room = roomName !== undefined && KNOWN_ROOMS.has(roomName) ? roomName : "other";

  socket.on("message", (data: RawData) => {
    if (!Buffer.isBuffer(data) || (data[0] !== Protocol.ROOM_DATA && data[0] !== Protocol.ROOM_DATA_BYTES)) return;
    messagesReceived.inc({ room, type: messageTypeLabel(messageType(data)) });
  });

  // A reconnection succeeded when the first frame back is JOIN_ROOM; an ERROR frame refuses it.
  let reconnectionPending = url.searchParams.has("reconnectionToken");
  const send = socket.send.bind(socket) as (data: ArrayLike<number>, ...rest: unknown[]) => void;
  socket.send = ((data: ArrayLike<number> & { byteLength?: number }, ...rest: unknown[]) => {
    const size = data.byteLength ?? data.length;
    const kind = frameKind(data[0]);
    bytesSent.inc({ kind }, size);
    if (kind === "patch") patchBytes.observe(size);
    if (reconnectionPending) {
      reconnectionPending = false;
      reconnections.inc({ outcome: data[0] === Protocol.JOIN_ROOM ? "ok" : "refused" });
    }
    send(data, ...rest);
  }) as WebSocket["send"];
}

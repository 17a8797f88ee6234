/**
 * A bot that speaks the Colyseus 0.16 wire protocol by hand and never decodes state: it matchmakes
 * over HTTP, opens the room's websocket, acknowledges JOIN_ROOM and from then on only counts the
 * bytes it receives. This keeps the bots far cheaper than the server they load.
 *
 * Frames (colyseus.js lib/Room.js, @colyseus/core Room._onMessage):
 *   server -> client: [JOIN_ROOM, ...handshake], then [ROOM_STATE, ...], [ROOM_STATE_PATCH, ...],
 *                     [ROOM_DATA, type as schema string, msgpack payload], [ERROR, code, message]
 *   client -> server: [JOIN_ROOM] once to acknowledge, [ROOM_DATA, type, msgpack payload]
 */
import { pack } from "@colyseus/msgpackr";
import { encode } from "@colyseus/schema";
import { Protocol } from "colyseus.js";
import WebSocket from "ws";
import type { ClientMessageName, ClientMessages } from "../../server/shared/messages";
import type { RoomName } from "../../server/shared/payloads";

export type MatchmakeMethod = "create" | "joinOrCreate" | "joinById";

/** The part of a seat reservation a bot needs to open the room's socket. */
export interface Seat {
  room: { roomId: string; processId: string };
  sessionId: string;
}

export class MatchmakeError extends Error {
  constructor(readonly code: number | undefined, message: string) {
    super(message);
  }
}

/** POST /matchmake/:method/:target, as colyseus.js does it. */
export async function reserveSeat(
  httpEndpoint: string,
  method: MatchmakeMethod,
  target: string,
  options: object,
  headers: Record<string, string> = {},
): Promise<Seat> {
  const response = await fetch(`${httpEndpoint}/matchmake/${method}/${target}`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json", ...headers },
    body: JSON.stringify(options),
  });
  const body = (await response.json()) as Partial<Seat> & { error?: string; code?: number };
  if (body.error || !body.room || !body.sessionId) throw new MatchmakeError(body.code, body.error ?? `HTTP ${response.status}`);
  return { room: body.room, sessionId: body.sessionId };
}

/** Encodes `[ROOM_DATA, type, msgpack(payload)]` the way colyseus.js `room.send` does; the payload must match the protocol record (server/shared/messages.ts). */
export function roomData<R extends RoomName, K extends ClientMessageName<R>>(_room: R, type: K, payload: ClientMessages[R][K]): Buffer {
  const head = Buffer.alloc(1 + 1 + Buffer.byteLength(type) + 4);
  head[0] = Protocol.ROOM_DATA;
  const it = { offset: 1 };
  encode.string(head, type, it);
  return Buffer.concat([head.subarray(0, it.offset), pack(payload)]);
}

export interface RawClientEvents {
  /** Every frame received after joining: its first byte and its size. */
  onFrame?: (code: number, bytes: number, frame: Buffer) => void;
  /** The socket closed after the join (a drop unless the bench closed it). */
  onClose?: (code: number) => void;
}

/** One joined room connection that counts bytes. */
export class RawClient {
  bytesIn = 0;
  framesIn = 0;
  closedByUs = false;

  private constructor(
    readonly sessionId: string,
    readonly roomId: string,
    private readonly socket: WebSocket,
  ) {}

  /** Opens the seat's socket and resolves once JOIN_ROOM arrived and was acknowledged. */
  static connect(wsEndpoint: string, seat: Seat, events: RawClientEvents = {}): Promise<RawClient> {
    const url = `${wsEndpoint}/${seat.room.processId}/${seat.room.roomId}?sessionId=${seat.sessionId}`;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client = new RawClient(seat.sessionId, seat.room.roomId, socket);
    return new Promise((resolve, reject) => {
      let joined = false;
      socket.binaryType = "nodebuffer";
      socket.on("message", (data: Buffer) => {
        client.bytesIn += data.byteLength;
        client.framesIn += 1;
        const code = data[0];
        if (!joined && code === Protocol.JOIN_ROOM) {
          joined = true;
          socket.send(Buffer.of(Protocol.JOIN_ROOM));
          resolve(client);
          return;
        }
        events.onFrame?.(code, data.byteLength, data);
      });
      socket.on("error", (error) => {
        if (!joined) reject(error);
      });
      socket.on("close", (code) => {
        if (!joined) return reject(new Error(`socket closed before join (${code})`));
        if (!client.closedByUs) events.onClose?.(code);
      });
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: Buffer) {
    if (this.open) this.socket.send(frame);
  }

  close() {
    this.closedByUs = true;
    this.socket.close();
  }
}

/** `ws://host:port` for an `http://host:port` endpoint (and https -> wss). */
export const toWsEndpoint = (httpEndpoint: string) => httpEndpoint.replace(/^http/, "ws");

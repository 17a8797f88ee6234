/**
 * A room connection by hand (the Colyseus 0.16 wire protocol, as loadtest/bench/rawClient.ts speaks
 * it), for clients colyseus.js would never be: one that stops reading its socket but keeps answering
 * pings, one that never acknowledges JOIN_ROOM.
 */
import { Protocol } from "colyseus.js";
import WebSocket from "ws";
import { MatchmakeError, reserveSeat, roomData, type MatchmakeMethod, type Seat } from "../../loadtest/bench/rawClient";
import { reserveFrom } from "./addresses";

/** A seat reserved from the source address `from` (a 127.x or an IPv6 address on lo), or the refusal thrown. */
async function reserveSeatFrom(httpUrl: string, from: string, method: MatchmakeMethod, target: string, options: object): Promise<Seat> {
  const reply = await reserveFrom(Number(new URL(httpUrl).port), from, method, target, options);
  if (!reply.sessionId || !reply.room) throw new MatchmakeError(reply.code, reply.error ?? `HTTP ${reply.status}`);
  return { room: reply.room, sessionId: reply.sessionId };
}

export { roomData };

export interface RawRoom {
  seat: Seat;
  socket: WebSocket;
  /** Bytes received so far. */
  received: number;
  /** Resolves once the server sent JOIN_ROOM (acknowledged or not, as asked). */
  joined: Promise<void>;
  /** Resolves with the close code once the socket closed. */
  closed: Promise<number>;
  /** Resolves once the connection is gone, even while this client does not read (`closed` waits for reading). */
  gone: Promise<void>;
  /** Stops reading the socket (its kernel buffers fill, then the server's), answering pings with unasked pongs. */
  stopReading(pongEveryMs?: number): void;
  /** Reads again. */
  resumeReading(): void;
  send(frame: Buffer): void;
  close(): void;
}

/** Matchmakes over HTTP and opens the seat's socket; `acknowledge: false` never answers JOIN_ROOM. */
export async function openRawRoom(
  httpUrl: string,
  method: MatchmakeMethod,
  target: string,
  options: object,
  { acknowledge = true, headers = {}, from }: { acknowledge?: boolean; headers?: Record<string, string>; from?: string } = {},
): Promise<RawRoom> {
  const seat = from === undefined ? await reserveSeat(httpUrl, method, target, options, headers) : await reserveSeatFrom(httpUrl, from, method, target, options);
  const wsUrl = from?.includes(":") ? httpUrl.replace(/^http:\/\/[^/]+/, `ws://[::1]:${new URL(httpUrl).port}`) : httpUrl.replace(/^http/, "ws");
  const socket = new WebSocket(`${wsUrl}/${seat.room.processId}/${seat.room.roomId}?sessionId=${seat.sessionId}`, {
    perMessageDeflate: false,
    localAddress: from,
  });
  socket.binaryType = "nodebuffer";
  let pongs: NodeJS.Timeout | undefined;
  const closed = new Promise<number>((resolve) =>
    socket.once("close", (code) => {
      clearInterval(pongs);
      resolve(code);
    }),
  );
  // A refused or dropped socket also errors; the close code is what tests look at.
  socket.on("error", () => {});
  const gone = new Promise<void>((resolve) => {
    void closed.then(() => resolve());
    socket.once("upgrade", (res) => res.socket.once("close", () => resolve()));
  });
  const room: RawRoom = {
    seat,
    socket,
    received: 0,
    joined: new Promise<void>((resolve, reject) => {
      socket.on("message", (data: Buffer) => {
        room.received += data.byteLength;
        if (data[0] !== Protocol.JOIN_ROOM) return;
        if (acknowledge) socket.send(Buffer.of(Protocol.JOIN_ROOM));
        resolve();
      });
      void closed.then((code) => reject(new Error(`closed (${code}) before JOIN_ROOM`)));
    }),
    closed,
    gone,
    stopReading(pongEveryMs = 500) {
      socket.pause();
      clearInterval(pongs);
      pongs = setInterval(() => socket.readyState === WebSocket.OPEN && socket.pong(), pongEveryMs);
    },
    resumeReading() {
      clearInterval(pongs);
      socket.resume();
    },
    send(frame) {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    },
    close() {
      clearInterval(pongs);
      socket.resume();
      socket.terminate();
    },
  };
  room.joined.catch(() => {});
  return room;
}

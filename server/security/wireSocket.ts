/**
 * The wire guard (./wireGuard.ts) on a `ws` socket: every chunk the TCP socket receives is charged
 * in a listener placed before ws's own, and every message, ping and pong is charged and checked
 * before any listener (Colyseus's room, the backpressure guard, the wire meter) sees it. A refused
 * connection gets its close code and DROP_CLOSE_GRACE_MS to read it, then is destroyed; nothing it
 * still sends reaches a listener, and its room keeps no seat for it (server/rooms/reconnect.ts).
 */
import type { Socket } from "node:net";
import type { RawData, WebSocket } from "ws";
import { DROP_CLOSE_GRACE_MS } from "../shared/limits";
import type { WireGuard, WireVerdict } from "./wireGuard";

/** Where a socket's wire guard is kept, so its room can tell a refused client from a dropped one. */
const WIRE = Symbol("wire guard");
type Guarded = WebSocket & { [WIRE]?: WireGuard; _socket?: Socket };

function bytesOf(data: RawData): Uint8Array {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return new Uint8Array(data);
}

/** Puts `guard` in front of everything `socket` receives; `refused` hears of the first refusal. */
export function guardWire(socket: WebSocket, guard: WireGuard, refused: (verdict: Extract<WireVerdict, { ok: false }>) => void): void {
  const guarded = socket as Guarded;
  guarded[WIRE] = guard;
  let closing = false;
  const act = (verdict: WireVerdict): boolean => {
    if (verdict.ok) return true;
    if (!closing) {
      closing = true;
      refused(verdict);
      socket.close(verdict.close, verdict.refusal);
      setTimeout(() => socket.terminate(), DROP_CLOSE_GRACE_MS).unref();
    }
    return false;
  };
  // Before ws's own "data" listener: bytes are paid for before ws parses a frame out of them.
  guarded._socket?.prependListener("data", (chunk: Buffer) => act(guard.chargeBytes(chunk.length)));
  const emit = socket.emit;
  socket.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "message" && !act(guard.admit(bytesOf(args[0] as RawData)))) return false;
    if ((event === "ping" || event === "pong") && !act(guard.chargeFrame())) return false;
    return emit.call(this, event, ...args);
  } as WebSocket["emit"];
}

/** True when `socket` was closed by its wire guard: its room must not keep a seat for it. */
export function refusedAtTheWire(socket: WebSocket | undefined): boolean {
  return (socket as Guarded | undefined)?.[WIRE]?.refused !== undefined;
}

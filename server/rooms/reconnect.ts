import type { Client, Deferred, Room } from "@colyseus/core";
import type { WebSocket } from "ws";
import { droppedForBackpressure } from "../security/backpressure";
import { PROTOCOL_ERROR_CLOSE_CODES, RECONNECT_SECONDS } from "../shared/protocol";

/** Clients closed for a protocol error: their leave is final, however the socket then closes. */
const protocolErrors = new WeakSet<Client>();
const isProtocolError = (code: unknown) => typeof code === "number" && PROTOCOL_ERROR_CLOSE_CODES.includes(code);

/**
 * Called in onJoin (cameBack does it for a reconnected client): notes when the server closes the
 * client for a protocol error, whether Colyseus closes it (4002, a message it could not decode or
 * validate) or ws does (1009, a frame too big: an `error` event first). Noted at the server's own
 * decision, because a hostile client need not echo the close code.
 */
export function watchProtocolErrors(client: Client): void {
  const leave = client.leave.bind(client);
  client.leave = (code?: number, data?: string) => {
    if (isProtocolError(code)) protocolErrors.add(client);
    return leave(code, data);
  };
  client.ref.once("error", () => protocolErrors.add(client));
  client.ref.once("close", (code: unknown) => isProtocolError(code) && protocolErrors.add(client));
}

/** Seats kept for a dropped client, by sessionId, so a newer join of the same player can end the wait. */
const waiting = new Map<string, Deferred<Client>>();

/**
 * Called first in a room's onLeave. A dropped client keeps its seat for RECONNECT_SECONDS; resolves
 * true when it came back, false when it left for good. `final`: the leave was consented, or the
 * server removed the client (cut off for flooding, kicked, replaced), so it may not come back; a
 * client closed for a protocol error ({@link watchProtocolErrors}) or dropped for not reading what it
 * is sent (server/security/backpressure.ts) may not either.
 */
export async function cameBack(room: Room, client: Client, final: boolean): Promise<boolean> {
  if (final || protocolErrors.has(client) || droppedForBackpressure((client as Client & { ref?: WebSocket }).ref)) return false;
  const reconnection = room.allowReconnection(client, RECONNECT_SECONDS);
  waiting.set(client.sessionId, reconnection);
  try {
    watchProtocolErrors(await reconnection);
    return true;
  } catch {
    // Timed out, given up by endReconnection, or the room is being disposed.
    return false;
  } finally {
    waiting.delete(client.sessionId);
  }
}

/** Gives up the seat kept for `sessionId`, if it is waiting for a reconnection: its onLeave goes on as a final leave. */
export function endReconnection(sessionId: string): boolean {
  const reconnection = waiting.get(sessionId);
  reconnection?.reject(new Error("seat taken over"));
  return reconnection !== undefined;
}

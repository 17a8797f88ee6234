import type { Client, Deferred, Room } from "@colyseus/core";
import type { WebSocket } from "ws";
import { droppedForBackpressure } from "../security/backpressure";
import { RECONNECT_SECONDS } from "../shared/protocol";

/** Seats kept for a dropped client, by sessionId, so a newer join of the same player can end the wait. */
const waiting = new Map<string, Deferred<Client>>();

/**
 * Called first in a room's onLeave. A dropped client keeps its seat for RECONNECT_SECONDS; resolves
 * true when it came back, false when it left for good. `final`: the leave was consented, or the
 * server removed the client (cut off for flooding, kicked, replaced), so it may not come back; nor
 * may a client dropped for not reading what it is sent (server/security/backpressure.ts).
 */
export async function cameBack(room: Room, client: Client, final: boolean): Promise<boolean> {
  if (final || droppedForBackpressure((client as Client & { ref?: WebSocket }).ref)) return false;
  const reconnection = room.allowReconnection(client, RECONNECT_SECONDS);
  waiting.set(client.sessionId, reconnection);
  try {
    await reconnection;
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

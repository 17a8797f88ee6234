import type { Client, Room } from "@colyseus/core";
import { RECONNECT_SECONDS } from "../shared/protocol";

/**
 * Called first in a room's onLeave. A dropped client keeps its seat for RECONNECT_SECONDS; resolves
 * true when it came back, false when it left for good. `final`: the leave was consented, or the
 * server removed the client (cut off for flooding, kicked), so it may not come back.
 */
export async function cameBack(room: Room, client: Client, final: boolean): Promise<boolean> {
  if (final) return false;
  try {
    await room.allowReconnection(client, RECONNECT_SECONDS);
    return true;
  } catch {
    // Timed out, or the room is being disposed.
    return false;
  }
}

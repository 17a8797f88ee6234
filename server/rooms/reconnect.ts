import type { Client, Room } from "@colyseus/core";
import { RECONNECT_SECONDS } from "../shared/protocol";

/**
 * Called first in a room's onLeave. A dropped (not consented) client keeps its seat for
 * RECONNECT_SECONDS; resolves true when it came back, false when it left for good.
 */
export async function cameBack(room: Room, client: Client, consented: boolean): Promise<boolean> {
  if (consented) return false;
  try {
    await room.allowReconnection(client, RECONNECT_SECONDS);
    return true;
  } catch {
    // Timed out, or the room is being disposed.
    return false;
  }
}

import type { Room } from "@colyseus/core";
import type { Logger } from "../telemetry/log";
import { broadcastCommon } from "./send";

/** What players are told when the server shuts down (the `shutdown` message's reason). */
export const SHUTDOWN_REASON = "server is shutting down";

/**
 * A room's `onBeforeShutdown`: tells every player the room closes in `graceMs` (SHUTDOWN_GRACE_MS),
 * keeps the room running (chat keeps relaying, battles keep ticking) and disconnects everyone when
 * the time is up.
 */
export function closeRoomGracefully(room: Room, graceMs: number, log: Logger): void {
  const inMs = room.clients.length > 0 ? graceMs : 0;
  log.info({ roomId: room.roomId, room: room.roomName, clients: room.clients.length, inMs }, "room closing for shutdown");
  broadcastCommon(room, "shutdown", { reason: SHUTDOWN_REASON, reconnect: false, inMs });
  // The clock counts a new timer from its last tick, up to one tick early: tick it now so players get
  // at least the `inMs` they were told (at most one tick more).
  room.clock.tick();
  room.clock.setTimeout(() => void room.disconnect(), inMs);
}

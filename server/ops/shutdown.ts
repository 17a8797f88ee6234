import type { Room } from "@colyseus/core";
import { settings, type Settings } from "../config";
import { logger } from "../log";
import { broadcastCommon } from "../rooms/send";

/**
 * Graceful shutdown, on top of @colyseus/tools: its SIGTERM/SIGINT handler runs
 * Server.gracefullyShutdown, which stops matchmaking (503), locks every room and calls the room's
 * `onBeforeShutdown`, waits until every room is gone, then exits 0. Here: rooms warn their players and
 * close after the grace period, a second signal exits at once, and a deadline caps the whole thing.
 */

export const SHUTDOWN_REASON = "server is shutting down";
/** Exit code when the shutdown is cut short (second signal or deadline). */
export const EXIT_CUT_SHORT = 1;

/**
 * A room's `onBeforeShutdown`: tells every player the room closes in SHUTDOWN_GRACE_MS, keeps the room
 * running (chat keeps relaying, battles keep ticking) and disconnects everyone when the time is up.
 */
export function closeRoomGracefully(room: Room, graceMs = settings().shutdownGraceMs): void {
  const inMs = room.clients.length > 0 ? graceMs : 0;
  logger.info({ roomId: room.roomId, room: room.roomName, clients: room.clients.length, inMs }, "room closing for shutdown");
  broadcastCommon(room, "shutdown", { reason: SHUTDOWN_REASON, reconnect: false, inMs });
  // The clock counts a new timer from its last tick, up to one tick early: tick it now so players get
  // at least the `inMs` they were told (at most one tick more).
  room.clock.tick();
  room.clock.setTimeout(() => void room.disconnect(), inMs);
}

/**
 * For a real server process (index.ts), before `listen`: logs the first SIGTERM/SIGINT, arms the
 * SHUTDOWN_TIMEOUT_MS deadline and makes a second signal exit at once. Tests that boot the app in-process
 * never call this, so their process keeps its own signal handling.
 */
export function guardShutdown({ shutdownGraceMs, shutdownTimeoutMs }: Settings): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(EXIT_CUT_SHORT);
    }
    signalled = true;
    logger.info({ signal, graceMs: shutdownGraceMs, timeoutMs: shutdownTimeoutMs }, "shutting down");
    setTimeout(() => {
      logger.error({ timeoutMs: shutdownTimeoutMs }, "shutdown took too long: exiting now");
      process.exit(EXIT_CUT_SHORT);
    }, shutdownTimeoutMs).unref();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

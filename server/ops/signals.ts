import type { Settings } from "../config";
import type { Logger } from "../telemetry/log";

/**
 * Graceful shutdown, on top of @colyseus/tools: its SIGTERM/SIGINT handler runs
 * Server.gracefullyShutdown, which stops matchmaking (503), locks every room and calls the room's
 * `onBeforeShutdown` (server/rooms/shutdown.ts: players are warned and the room closes after
 * SHUTDOWN_GRACE_MS), waits until every room is gone, then exits 0. Here: a second signal exits at
 * once, and a deadline caps the whole thing.
 */

/** Exit code when the shutdown is cut short (second signal or deadline). */
export const EXIT_CUT_SHORT = 1;

/**
 * For a real server process (index.ts), before `listen`: logs the first SIGTERM/SIGINT, arms the
 * SHUTDOWN_TIMEOUT_MS deadline and makes a second signal exit at once. Tests that boot the app in-process
 * never call this, so their process keeps its own signal handling.
 */
export function guardShutdown({ shutdownGraceMs, shutdownTimeoutMs }: Settings, logger: Logger): void {
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

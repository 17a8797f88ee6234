import type { Settings } from "../config";
import type { AppContext } from "../context";
import { beginDrain } from "./drain";
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

/**
 * SIGUSR2 drains the process for a deploy (./drain.ts); once drained, `onDrained` in the entry shuts
 * it down. Call once the server listens: Colyseus's own SIGUSR2 listener (nodemon's restart signal,
 * registered by its Server) would shut down at once, and is taken off here.
 */
export function drainOnSignal(context: AppContext): void {
  for (const listener of process.listeners("SIGUSR2")) process.off("SIGUSR2", listener);
  process.on("SIGUSR2", () => {
    if (!beginDrain(context)) context.log.info("SIGUSR2: already draining");
  });
}

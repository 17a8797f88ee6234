import { format } from "node:util";
import pino from "pino";

/**
 * Structured logs: one JSON line per event on stdout, with `roomId` and `sessionId` where there is one.
 * The level is set from LOG_LEVEL when the server starts (server/config, applied in server/ops/http.ts).
 */
export const logger = pino({
  level: "info",
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

type ConsoleLevel = "trace" | "debug" | "info" | "warn" | "error";

/** Folds console-style arguments into one line; an Error among them becomes the `err` field. */
function writeConsoleStyle(level: ConsoleLevel, args: unknown[]): void {
  if (!logger.isLevelEnabled(level)) return;
  const err = args.find((arg): arg is Error => arg instanceof Error);
  const msg = format(...args.filter((arg) => arg !== err));
  logger[level](err ? { ns: "colyseus", err } : { ns: "colyseus" }, msg);
}

/** Colyseus's own logger (Server `logger` option): its console-style calls become structured lines. */
export const colyseusLogger = {
  trace: (...args: unknown[]) => writeConsoleStyle("trace", args),
  debug: (...args: unknown[]) => writeConsoleStyle("debug", args),
  info: (...args: unknown[]) => writeConsoleStyle("info", args),
  warn: (...args: unknown[]) => writeConsoleStyle("warn", args),
  error: (...args: unknown[]) => writeConsoleStyle("error", args),
};

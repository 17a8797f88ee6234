import { format } from "node:util";
import pino from "pino";
import { prettyFactory } from "pino-pretty";
import type { LogFormat, LogLevel } from "../config";
import { activeTraceFields } from "./tracing";

export type Logger = pino.Logger;
/** How log lines are written: one JSON object per line, or one readable, coloured line (a terminal). */
export type LogOutput = "json" | "pretty";
/** Where log lines go: stdout, or (tests) anything with `write`. */
export interface LogSink {
  write(line: string): void;
}

/** `pretty` at a terminal, `json` anywhere else (a file, a pipe, a log collector). */
export function pickLogOutput(format: LogFormat, stdoutIsTTY: boolean): LogOutput {
  return format === "auto" ? (stdoutIsTTY ? "pretty" : "json") : format;
}

/**
 * The app's structured logger: LOG_LEVEL and LOG_FORMAT applied, lines on stdout (or `sink`), with
 * `roomId` and `sessionId` where there is one, and `trace_id` and `span_id` when written inside a
 * span (tracing on). Writes are synchronous (sonic-boom retries a full pipe), so a line logged just
 * before process.exit() is never lost.
 */
export function createLogger(settings: { logLevel: LogLevel; logFormat: LogFormat; tracing?: unknown }, sink?: LogSink): Logger {
  const output = sink ? "json" : pickLogOutput(settings.logFormat, process.stdout.isTTY === true);
  const destination = sink ?? pino.destination({ dest: 1, sync: true });
  // Turns a JSON line into `[12:00:00.000] INFO: client joined {"roomId":…}`; errors keep their stack.
  const prettify = output === "pretty" ? prettyFactory({ colorize: true, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }) : undefined;
  return pino(
    {
      level: settings.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Tracing off: no mixin, nothing looked up per line.
      ...(settings.tracing ? { mixin: activeTraceFields } : {}),
    },
    { write: (line: string) => void destination.write(prettify ? prettify(line) : line) },
  );
}

type ConsoleLevel = "trace" | "debug" | "info" | "warn" | "error";
export type ConsoleStyleLogger = Record<ConsoleLevel, (...args: unknown[]) => void>;

/** Colyseus's own logger (Server `logger` option): its console-style calls become structured lines of `logger`. */
export function consoleStyle(logger: Logger): ConsoleStyleLogger {
  // Folds console-style arguments into one line; an Error among them becomes the `err` field.
  const write = (level: ConsoleLevel, args: unknown[]) => {
    if (!logger.isLevelEnabled(level)) return;
    const err = args.find((arg): arg is Error => arg instanceof Error);
    const msg = format(...args.filter((arg) => arg !== err));
    logger[level](err ? { ns: "colyseus", err } : { ns: "colyseus" }, msg);
  };
  return {
    trace: (...args) => write("trace", args),
    debug: (...args) => write("debug", args),
    info: (...args) => write("info", args),
    warn: (...args) => write("warn", args),
    error: (...args) => write("error", args),
  };
}

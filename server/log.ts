import { format } from "node:util";
import pino from "pino";
import { prettyFactory } from "pino-pretty";

/** How log lines are written: one JSON object per line, or one readable, coloured line (a terminal). */
export type LogOutput = "json" | "pretty";

/** `pretty` at a terminal, `json` anywhere else (a file, a pipe, a log collector). */
export function pickLogOutput(format: "auto" | LogOutput, stdoutIsTTY: boolean): LogOutput {
  return format === "auto" ? (stdoutIsTTY ? "pretty" : "json") : format;
}

/** Turns a JSON line into `[12:00:00.000] INFO: client joined {"roomId":…}`; errors keep their stack. */
const prettify = prettyFactory({ colorize: true, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });

let output: LogOutput = "json";
/** Synchronous writes (sonic-boom retries a full pipe): a line logged just before process.exit() is never lost. */
const stdout = pino.destination({ dest: 1, sync: true });

/**
 * Structured logs on stdout, with `roomId` and `sessionId` where there is one. JSON until
 * {@link configureLogs} runs with the settings (server/ops/http.ts), which sets level and format.
 */
export const logger = pino(
  {
    level: "info",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  { write: (line: string) => stdout.write(output === "pretty" ? prettify(line) : line) },
);

/** Applies LOG_LEVEL and LOG_FORMAT (server/config). */
export function configureLogs(settings: { logLevel: pino.LevelWithSilent; logFormat: "auto" | LogOutput }): void {
  logger.level = settings.logLevel;
  output = pickLogOutput(settings.logFormat, process.stdout.isTTY === true);
}

/** The format in force, for the start banner (server/ops/banner.ts). */
export function logOutput(): LogOutput {
  return output;
}

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

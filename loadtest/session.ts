/**
 * What both interactive load tests add to @colyseus/loadtest: `--duration S` stops the run after S
 * seconds (the tool itself never stops), and the server's own figures over the run are printed at
 * the end (./serverFigures.ts), also appended to the `--output` file. Options the tool does not know
 * ride along on its command line (it ignores them).
 */
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { describeRun, readMetrics, type Reading } from "./serverFigures";

export interface Session {
  /** Extra options of the script (e.g. chat's --channels), as strings. */
  readonly values: Record<string, string | boolean | undefined>;
}

/** Reads --duration (and `extra` options), reads /metrics once now, and stops the run when the duration is over. */
export function startSession(extra: Record<string, { type: "string"; default?: string }> = {}): Session {
  const { values } = parseArgs({ options: { duration: { type: "string" }, endpoint: { type: "string" }, output: { type: "string" }, ...extra }, strict: false });
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(Number.isFinite(duration) && duration > 0)) {
    process.stderr.write(`--duration must be a number of seconds above 0, not "${String(values.duration)}"\n`);
    process.exit(1);
  }
  const httpUrl = String(values.endpoint ?? "ws://localhost:2567").replace(/^ws/, "http").replace(/\/$/, "");
  const authorization = `Basic ${Buffer.from(`${process.env.ADMIN_USER ?? "admin"}:${process.env.ADMIN_PASSWORD ?? ""}`).toString("base64")}`;
  const start = readMetrics(httpUrl, authorization);
  if (duration !== undefined) {
    setTimeout(() => void finish(start, httpUrl, authorization, typeof values.output === "string" ? values.output : undefined), duration * 1000).unref();
  }
  return { values };
}

/** Reads /metrics again, prints what changed once the tool has put the terminal back, and ends the run as Ctrl-C does. */
async function finish(start: Promise<Reading | string>, httpUrl: string, authorization: string, output: string | undefined): Promise<void> {
  const [first, last] = [await start, await readMetrics(httpUrl, authorization)];
  const problem = typeof first === "string" ? first : typeof last === "string" ? last : undefined;
  const text = `${(problem !== undefined ? [`server figures: ${problem}`] : describeRun(first as Reading, last as Reading)).join("\n")}\n`;
  process.once("exit", () => {
    process.stdout.write(text);
    if (output) appendFileSync(output, text);
  });
  process.kill(process.pid, "SIGTERM");
}

import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { freePort } from "./ports";
import { EVENT_TIMEOUT_MS } from "./wait";

/** One structured log line of the server. */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Every JSON line the server printed on stdout so far. */
  lines: LogLine[];
  /** Lines on stdout that were not JSON (none are expected). */
  otherStdout: string[];
  stderr: string[];
  /** Resolves with the first line (already printed or still to come) that matches. */
  line(match: (line: LogLine) => boolean, what: string): Promise<LogLine>;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** How `npm start` runs the server (after building the client, which these tests do not need). */
export const DEV_SERVER_ARGS = ["--import", "tsx", "server/index.ts"];

/** Starts the server with node (`args`, in `cwd`), with `env` added, on a free port. */
export async function spawnServer(env: Record<string, string>, args = DEV_SERVER_ARGS, cwd?: string): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, LOG_LEVEL: "info", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const otherStdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on("line", (text) => {
    try {
      lines.push(JSON.parse(text) as LogLine);
    } catch {
      return void otherStdout.push(text);
    }
    for (const wake of waiters) wake();
  });
  createInterface({ input: child.stderr! }).on("line", (text) => stderr.push(text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  function line(match: (line: LogLine) => boolean, what: string): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      // Starting tsx takes a few seconds on a busy machine: twice the usual event timeout.
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for log line: ${what}\n${stderr.join("\n")}`));
      }, 2 * EVENT_TIMEOUT_MS);
      waiters.add(check);
      check();
    });
  }
  return { child, port, lines, otherStdout, stderr, line, exited };
}

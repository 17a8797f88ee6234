/**
 * Real multi-process setups for scaling tests: a private redis-server on a free port and server
 * processes started the way operators start them (node --import tsx server/index.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Client } from "colyseus.js";
import { requireInstalled } from "./installed";
import { freePort } from "./ports";

export const REDIS_SERVER = "/usr/bin/redis-server";

// Children die with the test run, even when it is interrupted: no stray servers eating the CPU.
const children = new Map<ChildProcess, { group: boolean }>();
const killChildren = () =>
  children.forEach(({ group }, child) => {
    try {
      if (group && child.pid) process.kill(-child.pid, "SIGKILL");
      else child.kill("SIGKILL");
    } catch {
      // already gone
    }
  });
process.on("exit", killChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(130);
  });
}
/** `group`: the child leads its own process group (spawned detached) and takes it down with it. */
function adopt(child: ChildProcess, group = false): ChildProcess {
  children.set(child, { group });
  child.once("exit", () => children.delete(child));
  return child;
}
/** A server process takes a few seconds to start under tsx on a busy 2-core machine. */
const START_TIMEOUT_MS = 20_000;

/** Skips the calling suite loudly when redis-server is missing (fails with CI=true). */
export function requireRedisServer(context: Mocha.Context): void {
  requireInstalled(context, REDIS_SERVER, "the Redis scaling tests cannot run (apt-get install -y redis-server)");
}

/** The server's structured log line once it accepts connections (server/index.ts). */
const LISTENING = /"msg":"listening"/;

/** Resolves when `pattern` shows up in the child's output, rejects when it exits or times out. */
function waitForOutput(child: ChildProcess, ready: RegExp | ((output: string) => boolean), what: string, timeoutMs: number): Promise<void> {
  const isReady = typeof ready === "function" ? ready : (output: string) => ready.test(output);
  return new Promise((resolve, reject) => {
    let output = "";
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      error ? reject(error) : resolve();
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (isReady(output)) done();
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    const timer = setTimeout(() => done(new Error(`${what} not ready within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", onExit);
  });
}

/** Resolves once the child has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export interface RedisProcess {
  url: string;
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open and nothing answers, as in a network partition. */
  freeze(): void;
  thaw(): void;
}

/** A throw-away redis-server with nothing on disk, on a free port (or on `port`, to come back empty where one was). */
export async function startRedis(port?: number): Promise<RedisProcess> {
  port ??= await freePort();
  const child = adopt(spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  }));
  await waitForOutput(child, /Ready to accept connections/, "redis-server", START_TIMEOUT_MS);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGKILL");
      await exited(child);
    },
    freeze: () => child.kill("SIGSTOP"),
    thaw: () => child.kill("SIGCONT"),
  };
}

export interface ServerProcess {
  port: number;
  child: ChildProcess;
  /** A colyseus.js client pointed at this process. */
  client: Client;
  /** SIGTERM (graceful) or SIGKILL (crash); resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** One server process with its own port and PUBLIC_ADDRESS (default 127.0.0.1:port), sharing `redisUrl`; `env` adds settings. */
export async function startServer(redisUrl: string, port?: number, publicAddress?: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const listenPort = port ?? (await freePort());
  const child = adopt(spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    env: {
      ...process.env,
      PORT: String(listenPort),
      // The "listening" line is logged at info level.
      LOG_LEVEL: "info",
      // The chat tests talk at 50 lines/s from one member, far above a player's 1 line/s.
      RATE_LIMIT_SCALE: "100",
      REDIS_URL: redisUrl,
      PUBLIC_ADDRESS: publicAddress ?? `127.0.0.1:${listenPort}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  }));
  await waitForOutput(child, LISTENING, `server on port ${listenPort}`, START_TIMEOUT_MS);
  // Keep draining the output so a chatty process never blocks on a full pipe; SERVER_LOGS=1 shows it.
  if (process.env.SERVER_LOGS === "1") {
    child.stdout?.pipe(process.stderr);
    child.stderr?.pipe(process.stderr);
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  return {
    port: listenPort,
    child,
    client: new Client(`ws://127.0.0.1:${listenPort}`),
    stop: async (signal = "SIGTERM") => {
      child.kill(signal);
      await exited(child);
    },
  };
}

/** `npm run start:cluster`'s script, adopted like the other children; resolves once every process listens. `env` adds settings. */
export async function startCluster(redisUrl: string, firstPort: number, processes: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = adopt(
    spawn(process.execPath, ["--import", "tsx", "scripts/cluster.ts", "--processes", String(processes), "--port", String(firstPort)], {
      env: { ...process.env, REDIS_URL: redisUrl, LOG_LEVEL: "info", RATE_LIMIT_SCALE: "100", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so an interrupted run can take the whole cluster down with it.
      detached: true,
    }),
    true,
  );
  const listening = (output: string) => (output.match(new RegExp(LISTENING.source, "g")) ?? []).length >= processes;
  await waitForOutput(child, listening, "cluster", START_TIMEOUT_MS);
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** Resolves with the exit code once the child has exited. */
export function exitCode(child: ChildProcess): Promise<number | null> {
  return exited(child).then(() => child.exitCode);
}


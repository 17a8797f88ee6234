/**
 * Starts N server processes on consecutive ports sharing one Redis (fork mode: one process per
 * port, never Node cluster mode). Restarts a process that dies; SIGTERM/SIGINT stop them all
 * gracefully (SIGHUP too); SIGUSR2 rolls them one by one (a deploy: each drains, exits and starts again, and the
 * next waits until it answers /ready).
 *
 *   npm run start:cluster -- --processes 4 --port 2567 --public "127.0.0.1:{port}"
 *   npm run start:cluster -- --roll --port 2567      # roll the cluster running on 2567 (sends it SIGUSR2)
 *   node dist/cluster.js ...                          # the same, built (`npm run build`), without tsx
 *
 * REDIS_URL defaults to redis://127.0.0.1:6379. `--public` is each process's PUBLIC_ADDRESS with
 * `{port}` replaced, e.g. "game.example.com/p{port}" behind the nginx config in docs/scaling.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { redactUrl } from "../server/config/redact";
import { readScalingConfig } from "../server/config/scaling";

/** A process that dies is started again after this pause, so a crash loop does not spin. */
const RESTART_DELAY_MS = 1000;
const MAX_PROCESSES = 64;
/** How often a rolled process's /ready is asked, and how long it may take to answer 200. */
const READY_POLL_MS = 250;
const READY_TIMEOUT_MS = 60_000;

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "2" },
    port: { type: "string", default: process.env.PORT ?? "2567" },
    public: { type: "string", default: "127.0.0.1:{port}" },
    roll: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  console.error(`start:cluster: ${message}`);
  process.exit(2);
}

const count = Number(values.processes);
const firstPort = Number(values.port);
if (!Number.isInteger(count) || count < 1 || count > MAX_PROCESSES) fail(`--processes must be 1 to ${MAX_PROCESSES}`);
if (!Number.isInteger(firstPort) || firstPort < 1 || firstPort + count - 1 > 65535) fail("--port must leave room for every process below 65536");
/** Where the running cluster of `--port` keeps its pid, for `--roll`. */
const pidFile = join(tmpdir(), `game-cluster-${firstPort}.pid`);

if (values.roll) {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8"));
    process.kill(pid, "SIGUSR2");
  } catch {
    fail(`no cluster runs with --port ${firstPort} (${pidFile} names no live process)`);
  }
  console.log(`start:cluster: asked the cluster on port ${firstPort} (pid ${pid}) to roll its processes`);
  process.exit(0);
}

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** Built (dist/cluster.js), the server is dist/server/index.js; from the sources, server/index.ts through tsx. */
const serverArgs = __filename.endsWith(".js") ? ["--enable-source-maps", join(__dirname, "server", "index.js")] : ["--import", "tsx", "server/index.ts"];

const envFor = (port: number): NodeJS.ProcessEnv => ({
  ...process.env,
  PORT: String(port),
  REDIS_URL: redisUrl,
  PUBLIC_ADDRESS: values.public!.replaceAll("{port}", String(port)),
});
// Check the settings once here, so a typo fails with one line instead of N crash loops.
try {
  readScalingConfig(envFor(firstPort));
} catch (error) {
  fail((error as Error).message);
}

const children = new Map<number, ChildProcess>();
/** Ports whose process is being rolled: its exit is expected, and the roll starts the next one. */
const rolling = new Set<number>();
let stopping = false;
let rollRunning = false;

function start(port: number): ChildProcess {
  const child = spawn(process.execPath, serverArgs, { env: envFor(port), stdio: "inherit" });
  children.set(port, child);
  child.on("exit", (code, signal) => {
    if (children.get(port) === child) children.delete(port);
    if (stopping) {
      if (children.size === 0) finish();
      return;
    }
    if (rolling.has(port)) return;
    console.error(`start:cluster: process on port ${port} exited (${signal ?? code}); restarting`);
    // A roll that reached this port meanwhile has started it already.
    setTimeout(() => !stopping && !children.has(port) && start(port), RESTART_DELAY_MS);
  });
  return child;
}

function finish(): never {
  rmSync(pidFile, { force: true });
  process.exit(0);
}

/** Resolves once `port` answers /ready with 200; rejects after READY_TIMEOUT_MS. */
async function readyOn(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`the process on port ${port} was not ready within ${READY_TIMEOUT_MS} ms`);
}

/** One process after another: drain (SIGUSR2) until it exits, start it again, wait for /ready. */
async function roll(): Promise<void> {
  if (rollRunning) return void console.log("start:cluster: a roll is already running");
  rollRunning = true;
  try {
    for (let port = firstPort; port < firstPort + count && !stopping; port++) {
      const old = children.get(port);
      rolling.add(port);
      if (old) {
        console.log(`start:cluster: rolling port ${port}: draining`);
        const gone = new Promise((resolve) => old.once("exit", resolve));
        old.kill("SIGUSR2");
        await gone;
      }
      rolling.delete(port);
      if (stopping) break;
      start(port);
      await readyOn(port);
      console.log(`start:cluster: rolled port ${port}: ready`);
    }
    console.log("start:cluster: roll done");
  } catch (error) {
    console.error(`start:cluster: roll stopped: ${(error as Error).message}`);
  } finally {
    rollRunning = false;
  }
}

for (let i = 0; i < count; i++) start(firstPort + i);
writeFileSync(pidFile, String(process.pid));
console.log(`start:cluster: ${count} process(es) on ports ${firstPort}-${firstPort + count - 1}, Redis ${redactUrl(redisUrl)}`);

// SIGHUP (the terminal closing) stops the cluster as SIGTERM does; rolling takes SIGUSR2, as draining one process does.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => {
    stopping = true;
    if (children.size === 0) finish();
    for (const child of children.values()) child.kill("SIGTERM");
  });
}
process.on("SIGUSR2", () => void roll());

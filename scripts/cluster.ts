/**
 * Starts N server processes on consecutive ports sharing one Redis (fork mode: one process per
 * port, never Node cluster mode). Restarts a process that dies; SIGTERM/SIGINT stop them all
 * gracefully.
 *
 *   npm run start:cluster -- --processes 4 --port 2567 --public "127.0.0.1:{port}"
 *
 * REDIS_URL defaults to redis://127.0.0.1:6379. `--public` is each process's PUBLIC_ADDRESS with
 * `{port}` replaced, e.g. "game.example.com/p{port}" behind the nginx config in docs/scaling.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";
import { readScalingConfig } from "../server/config/scaling";

/** A process that dies is started again after this pause, so a crash loop does not spin. */
const RESTART_DELAY_MS = 1000;
const MAX_PROCESSES = 64;

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "2" },
    port: { type: "string", default: process.env.PORT ?? "2567" },
    public: { type: "string", default: "127.0.0.1:{port}" },
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
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

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
let stopping = false;

function start(port: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], { env: envFor(port), stdio: "inherit" });
  children.set(port, child);
  child.on("exit", (code, signal) => {
    children.delete(port);
    if (stopping) {
      if (children.size === 0) process.exit(0);
      return;
    }
    console.error(`start:cluster: process on port ${port} exited (${signal ?? code}); restarting`);
    setTimeout(() => start(port), RESTART_DELAY_MS);
  });
}

for (let i = 0; i < count; i++) start(firstPort + i);
console.log(`start:cluster: ${count} process(es) on ports ${firstPort}-${firstPort + count - 1}, Redis ${redisUrl}`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    stopping = true;
    if (children.size === 0) process.exit(0);
    for (const child of children.values()) child.kill("SIGTERM");
  });
}

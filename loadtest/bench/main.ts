/**
 * `npm run bench`: the headless benchmark. For every scenario and step it starts a fresh server
 * process (ours, then the raw-ws baseline), runs the bots in another process, measures from outside
 * and writes JSON, a markdown table and a PNG chart into the results folder (loadtest/results/<UTC
 * date>/ unless --out says). Stops by itself.
 *
 *   npm run bench                      full run (about 10 minutes)
 *   npm run bench -- --quick           small steps, about a minute
 *   npm run bench -- --scenarios arena --steps 500,1000,2000; npm run bench -- --scenarios soak   the arena figures (see docs/performance.md)
 *   npm run bench -- --scenarios arena --steps 100,500 --cpu-prof
 *   npm run bench -- --endpoint http://host:2567 --server-pid 1234   an already running server
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, freemem, totalmem, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { cpuMeter, memoryKbPerPlayer, processRssBytes, type ServerMemory } from "./measure";
import { arenaSeats, AUDIT_PROBES, PROBES, Scenario, type BotReport, type FromBots, type FromServerProbe, type StepPlan, type Target, type ToBots, type ToServerProbe } from "./plan";
import { brokenBy, writeResults, type BenchResults, type StepResult } from "./report";
import { ONE_ADDRESS_RIG_ENV } from "../rigEnv";
import type { AuditCounts } from "./viewAudit";
import { arenaSize, shownWhole } from "../../server/shared/arena";
import { BATTLE_MAX_PLAYERS_LIMIT } from "../../server/shared/tuning";

const HERE = __dirname;
const ROOT = resolve(HERE, "..", "..");

const STEPS: Record<"full" | "quick", Record<Scenario, number[]>> = {
  full: { arena: [50, 200, 500, 1000, 2000], rooms: [320, 1000, 2000, 3000, 4000], chat: [100, 500, 1000, 2000], soak: [1000] },
  // One arena step, large enough for interest management (from 101 seats): npm test runs this.
  quick: { arena: [200], rooms: [160], chat: [100], soak: [100] },
};
const TIMING = {
  full: { warmupS: 3, measureS: 10 },
  quick: { warmupS: 1, measureS: 3 },
};
/** The soak measures minutes, not seconds (5 minutes of players crossing cells). */
const SOAK_TIMING = {
  full: { warmupS: 3, measureS: 300 },
  quick: { warmupS: 1, measureS: 3 },
};
/** Servers per scenario: interest management matters only where everybody shares one room. */
const TARGETS: Record<Scenario, Target[]> = {
  arena: ["colyseus", "interest", "baseline"],
  rooms: ["colyseus", "baseline"],
  chat: ["colyseus", "baseline"],
  soak: ["interest"],
};
/** Longest wait for a server to answer its health check. */
const SERVER_START_TIMEOUT_MS = 30_000;
/** Joining is given this much time per player (plus a constant) before the step fails. */
const JOIN_MS_PER_PLAYER = 60;
const JOIN_MS_BASE = 15_000;

const USAGE = `npm run bench -- [--quick] [--scenarios arena,rooms,chat,soak] [--steps 50,200] [--no-baseline] [--targets colyseus,interest,baseline]
  [--measure S] [--warmup S] [--out DIR] [--cpu-prof] [--endpoint http://host:port [--server-pid PID]]`;

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    scenarios: { type: "string", default: "arena,rooms,chat" },
    steps: { type: "string" },
    "no-baseline": { type: "boolean", default: false },
    targets: { type: "string" },
    measure: { type: "string" },
    warmup: { type: "string" },
    // A dated folder: a run never overwrites the results an older doc links to.
    out: { type: "string", default: join(ROOT, "loadtest", "results", new Date().toISOString().slice(0, 10)) },
    "cpu-prof": { type: "boolean", default: false },
    endpoint: { type: "string" },
    "server-pid": { type: "string" },
    help: { type: "boolean", default: false },
  },
});

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) fail(`--${name} must be a positive number, got "${text}"`);
  return value;
}

function fail(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseScenarios(text: string): Scenario[] {
  const names = text.split(",").map((s) => s.trim());
  for (const name of names) if (!(name in Scenario)) fail(`unknown scenario "${name}"`);
  return names as Scenario[];
}

function parseSteps(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(",").map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 2) fail(`--steps takes whole numbers of at least 2, got "${s}"`);
    return n;
  });
}

function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const probe = createServer().once("error", ko);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => ok(port));
    });
  });
}

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface ServerProcess {
  pid?: number;
  endpoint: string;
  child?: ChildProcess;
}

async function startServer(target: Target, profileDir: string | undefined, label: string): Promise<ServerProcess> {
  if (args.endpoint) {
    if (target === "baseline") throw new Error("the baseline runs only when the bench starts the servers");
    return { endpoint: args.endpoint.replace(/\/$/, ""), pid: args["server-pid"] ? Number(args["server-pid"]) : undefined };
  }
  const port = await freePort();
  const entry = target === "baseline" ? join(HERE, "baseline.ts") : join(ROOT, "server", "index.ts");
  // One folder per step: node writes a profile per thread (tsx's loader runs in a worker), the biggest is the main thread.
  const profile = profileDir ? ["--cpu-prof", "--cpu-prof-dir", join(profileDir, label)] : [];
  const child = fork(entry, [], {
    cwd: ROOT,
    execArgv: ["--expose-gc", "--import", "tsx", "--import", join(HERE, "serverProbe.ts"), ...profile],
    // No shutdown grace: the step is over, nobody is playing.
    env: {
      ...process.env,
      ...ONE_ADDRESS_RIG_ENV,
      PORT: String(port),
      NODE_ENV: "production",
      // Production refuses to start without one; nobody logs in during a bench.
      ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? "bench-admin-password",
      DEBUG: "",
      SHUTDOWN_GRACE_MS: "0",
      INTEREST_MANAGEMENT: String(target === "interest"),
      // The bench's clients are the players: figures stay comparable with runs from before bots.
      BOTS_FILL_TO: "0",
    },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${target} server exited with ${child.exitCode}`);
    const up = await fetch(`${endpoint}/__healthcheck`).then((r) => r.ok, () => false);
    if (up) return { pid: child.pid, endpoint, child };
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error(`${target} server did not answer on ${endpoint}`);
}

async function stopServer(server: ServerProcess) {
  const child = server.child;
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await once(child, "exit");
  clearTimeout(killer);
}

function ask(child: ChildProcess, message: unknown) {
  if (child.connected) child.send(message as object);
}

function nextMessage<T extends { kind: string }>(child: ChildProcess, kind: T["kind"], timeoutMs: number): Promise<T> {
  return new Promise((ok, ko) => {
    const timer = setTimeout(() => {
      child.off("message", on);
      ko(new Error(`no "${kind}" from ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (message: T) => {
      if (message.kind !== kind) return;
      clearTimeout(timer);
      child.off("message", on);
      ok(message);
    };
    child.on("message", on);
  });
}

/**
 * RSS after a full garbage collection in the server, with the server's own breakdown of its memory
 * (plain RSS and no breakdown for a server the bench did not start).
 */
async function liveMemory(server: ServerProcess): Promise<{ rss: number; memory?: ServerMemory }> {
  if (!server.pid) return { rss: NaN };
  let memory: ServerMemory | undefined;
  if (server.child) {
    const done = nextMessage<Extract<FromServerProbe, { kind: "gc:done" }>>(server.child, "gc:done", 5000);
    ask(server.child, { kind: "gc" } satisfies ToServerProbe);
    memory = (await done.catch(() => undefined))?.memory;
  }
  return { rss: processRssBytes(server.pid), memory };
}

async function serverLag(server: ServerProcess): Promise<Extract<FromServerProbe, { kind: "lag" }> | null> {
  if (!server.child) return null;
  const reply = nextMessage<Extract<FromServerProbe, { kind: "lag" }>>(server.child, "lag", 5000);
  ask(server.child, { kind: "lag:read" } satisfies ToServerProbe);
  return reply.catch(() => null);
}

async function readAudit(server: ServerProcess): Promise<AuditCounts | null> {
  if (!server.child) return null;
  const reply = nextMessage<Extract<FromServerProbe, { kind: "audit" }>>(server.child, "audit", 30_000);
  ask(server.child, { kind: "audit:read" } satisfies ToServerProbe);
  const { counts, error } = await reply.catch((e: Error) => ({ counts: null, error: e.message }));
  log(counts ? `soak audit: ${JSON.stringify(counts)}` : `soak audit failed: ${error}`);
  return counts;
}

async function runStep(scenario: Scenario, target: Target, players: number, timing: { warmupS: number; measureS: number }, profileDir?: string): Promise<StepResult> {
  const label = `${scenario}-${target}-${players}`;
  // The bots' process loads while the server starts: both take a second or two under tsx.
  const bots = fork(join(HERE, "bots.ts"), [], { cwd: ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const server = await startServer(target, profileDir, label).catch((error: Error) => {
    bots.kill("SIGKILL");
    throw error;
  });
  const idle = await liveMemory(server);
  const plan: StepPlan = { scenario, target, endpoint: server.endpoint, players, probes: PROBES[scenario] };
  try {
    const joinStart = performance.now();
    const joinedP = nextMessage<Extract<FromBots, { kind: "joined" }>>(bots, "joined", JOIN_MS_BASE + players * JOIN_MS_PER_PLAYER);
    ask(bots, { kind: "start", plan } satisfies ToBots);
    const joined = await joinedP.catch(() => undefined);
    const joinSeconds = (performance.now() - joinStart) / 1000;
    if (!joined) return await joinTimedOut(bots, server, { scenario, target, players, joinSeconds });
    // The audit probes join during the warm-up, so their joins stay out of the measured window.
    if (scenario === "soak" && server.child) ask(server.child, { kind: "audit:start", probes: AUDIT_PROBES } satisfies ToServerProbe);
    await sleep(timing.warmupS * 1000);

    const serverCpu = server.pid ? cpuMeter(server.pid) : undefined;
    serverCpu?.start();
    if (server.child) ask(server.child, { kind: "lag:reset" } satisfies ToServerProbe);
    ask(bots, { kind: "measure" } satisfies ToBots);
    await sleep(timing.measureS * 1000);
    const reportP = nextMessage<Extract<FromBots, { kind: "report" }>>(bots, "report", 30_000);
    ask(bots, { kind: "report" } satisfies ToBots);
    const cpu = serverCpu?.stop() ?? null;
    const lag = await serverLag(server);
    const audit = scenario === "soak" ? await readAudit(server) : undefined;
    const { rss, memory } = await liveMemory(server);
    if (lag) log(`server CPU ${cpu}% from /proc, ${lag.cpuPercent}% as the server counts it`);
    const report: BotReport = (await reportP).report;
    const connected = report.joined - report.drops;
    const result: StepResult = {
      scenario,
      target,
      players,
      connected,
      joinSeconds: Math.round(joinSeconds * 10) / 10,
      serverCpuPercent: cpu,
      serverRssMb: Number.isFinite(rss) ? Math.round((rss / 2 ** 20) * 10) / 10 : null,
      rssKbPerPlayer: Number.isFinite(rss) && connected > 0 ? Math.round(((rss - idle.rss) / 1024 / connected) * 10) / 10 : null,
      memoryKbPerPlayer: memoryKbPerPlayer(idle.memory, memory, connected),
      loopLagP99Ms: lag?.p99Ms ?? null,
      loopLagMaxMs: lag?.maxMs ?? null,
      ...(lag ? { windowUs: lag.windowUs } : {}),
      ...report,
      joinFailures: joined.joinFailures,
      joinTimedOut: false,
      ...(audit === undefined ? {} : { audit }),
    };
    log(summary(result));
    return result;
  } finally {
    ask(bots, { kind: "stop" } satisfies ToBots);
    await Promise.race([once(bots, "exit"), sleep(5000)]);
    if (bots.exitCode === null) bots.kill("SIGKILL");
    await stopServer(server);
  }
}

/** Joining took too long: the step is recorded as broken, with the players still waiting as failures. */
async function joinTimedOut(bots: ChildProcess, server: ServerProcess, step: Pick<StepResult, "scenario" | "target" | "players" | "joinSeconds">): Promise<StepResult> {
  const reportP = nextMessage<Extract<FromBots, { kind: "report" }>>(bots, "report", 30_000);
  ask(bots, { kind: "report" } satisfies ToBots);
  const report = (await reportP).report;
  const { rss } = await liveMemory(server);
  const result: StepResult = {
    ...report,
    ...step,
    joinSeconds: Math.round(step.joinSeconds * 10) / 10,
    joinTimedOut: true,
    connected: report.joined - report.drops,
    joinFailures: step.players - report.joined,
    serverCpuPercent: null,
    serverRssMb: Number.isFinite(rss) ? Math.round((rss / 2 ** 20) * 10) / 10 : null,
    rssKbPerPlayer: null,
    memoryKbPerPlayer: null,
    loopLagP99Ms: null,
    loopLagMaxMs: null,
    ackLatencyMs: null,
    chatLatencyMs: null,
  };
  log(`${step.scenario} ${step.target} ${step.players}: only ${report.joined} joined within ${Math.round(step.joinSeconds)} s`);
  return result;
}

function summary(r: StepResult): string {
  const p99 = (r.ackLatencyMs ?? r.chatLatencyMs)?.p99;
  return `${r.scenario} ${r.target} ${r.players}: joined ${r.joined} (failed ${r.joinFailures}, dropped ${r.drops}), ` +
    `server cpu ${r.serverCpuPercent}%, bots cpu ${r.botsCpuPercent}%, p99 ${p99 ?? "-"} ms, ` +
    `${r.bytesPerClientPerS} B/client/s, ${r.bytesPerMovedPlayerPerPatch ?? "-"} B/moved player/patch, ` +
    `${r.rssKbPerPlayer ?? "-"} KB RSS/player (${memoryLine(r.memoryKbPerPlayer)})`;
}

function memoryLine(m: StepResult["memoryKbPerPlayer"]): string {
  return m ? `JS heap ${m.heapUsed} live of ${m.heapTotal} held, external ${m.external}, native ${m.native}` : "no breakdown";
}


async function main() {
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const mode = args.quick ? "quick" : "full";
  const scenarios = parseScenarios(args.scenarios);
  const customSteps = parseSteps(args.steps);
  const timing = {
    warmupS: positive("warmup", args.warmup, TIMING[mode].warmupS),
    measureS: positive("measure", args.measure, TIMING[mode].measureS),
  };
  const skipBaseline = args["no-baseline"] || args.endpoint;
  const outDir = resolve(args.out);
  mkdirSync(outDir, { recursive: true });
  const profileDir = args["cpu-prof"] ? join(outDir, "profiles") : undefined;
  const started = new Date();
  const loadAtStart = loadavg();
  const steps: StepResult[] = [];
  const resultsSoFar = (): BenchResults => ({
    startedAt: started.toISOString(),
    seconds: Math.round((Date.now() - started.getTime()) / 1000),
    mode,
    timing,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryGb: Math.round(totalmem() / 2 ** 30),
      freeMemoryGb: Math.round(freemem() / 2 ** 30),
      loadAverageAtStart: loadAtStart.map((l) => Math.round(l * 100) / 100),
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      node: process.version,
    },
    steps,
  });

  for (const scenario of scenarios) {
    const chosen = args.targets?.split(",");
    for (const target of TARGETS[scenario].filter((t) => !(skipBaseline && t === "baseline") && (!chosen || chosen.includes(t)))) {
      // A soak of --steps 500,1000 soaks the largest.
      const counts = scenario === "soak" && customSteps ? [Math.max(...customSteps)] : (customSteps ?? STEPS[mode][scenario]);
      // The soak's audit probes take seats too: a room of more than the largest battle is refused.
      if (scenario === "soak" && arenaSeats(scenario, Math.max(...counts)) > BATTLE_MAX_PLAYERS_LIMIT) {
        fail(`a soak of ${Math.max(...counts)} players needs ${AUDIT_PROBES} more seats than a battle has (${BATTLE_MAX_PLAYERS_LIMIT})`);
      }
      for (const players of counts) {
        // A map small enough to show whole has no interest cells: that step would repeat `colyseus`.
        if (target === "interest" && shownWhole(arenaSize(arenaSeats(scenario, players)))) continue;
        log(`${scenario} on ${target}: ${players} players`);
        const stepTiming = scenario === "soak" && !args.measure ? SOAK_TIMING[mode] : timing;
        const result = await runStep(scenario, target, players, stepTiming, profileDir);
        steps.push(result);
        // Written after every step, so an interrupted run still leaves its numbers.
        await writeResults(outDir, resultsSoFar());
        const why = brokenBy(result);
        if (why) {
          log(`${scenario} on ${target} broke at ${players} players (${why}); not stepping further`);
          break;
        }
      }
    }
  }

  const files = await writeResults(outDir, resultsSoFar());
  log(`wrote ${files.join(", ")}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

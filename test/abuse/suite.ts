/**
 * The standing abuse suite: a real server process with default settings, every scenario of
 * test/abuse/scenarios/ run against it one after another while honest players measure their side,
 * and a table of what was seen. `npm run abuse` (test/abuse/run.ts) runs it in full;
 * test/security/abuse.test.ts runs it short inside `npm test`.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { ONE_ADDRESS_RIG_ENV } from "../../loadtest/rigEnv";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { eventually } from "../helpers/wait";
import { execFile, fork, type ChildProcess } from "node:child_process";
import type { HonestFigures } from "./honest";
import type { HonestCommand, HonestReply } from "./honestProcess";
import type { AbuseContext, AbuseFigures, AbuseScenario } from "./scenario";

/** What the honest players must still get under every attack (patches, move→ack latency, server memory), checked by the full run. */
export const TARGETS = { minPatchesPerSecond: 18, maxMoveAckP50Ms: 100, maxRssGrowthMb: 150 } as const;
export type Targets = { minPatchesPerSecond: number; maxMoveAckP50Ms: number; maxRssGrowthMb: number };

/**
 * Looser bounds for the short run inside `npm test`, read against the baseline row (the same honest
 * players without attack, just before): on a machine other work keeps busy the baseline itself
 * falls below 20 patches/s, and any extra runnable process (the attacker's) takes the server's share.
 */
export function shortTargets(results: AbuseResult[]): Targets {
  const baseline = results.find((result) => result.name === BASELINE_NAME)?.honest;
  return {
    minPatchesPerSecond: 0.4 * (baseline?.patchesPerSecond ?? 20),
    maxMoveAckP50Ms: (baseline?.moveAckP50Ms ?? 0) + 500,
    maxRssGrowthMb: TARGETS.maxRssGrowthMb,
  };
}

/** A scenario that neither settles nor throws within its attack time plus this is aborted. */
const SCENARIO_OVERRUN_MS = 30_000;
/** Shortest window the honest players are measured over, however soon a scenario settles. */
const HONEST_MIN_WINDOW_MS = 1000;
const RSS_SAMPLE_MS = 200;
/** Starting tsx on a busy 2-core machine takes a few seconds. */
const SERVER_START_MS = 30_000;

export const SCENARIO_DIR = join(__dirname, "scenarios");

export interface AbuseResult {
  name: string;
  attack: string;
  seconds: number;
  /** The scenario's own figures, or its error when the defence did not hold. */
  figures: AbuseFigures;
  error?: string;
  honest: HonestFigures;
  rssBeforeMb: number;
  rssGrowthMb: number;
  /** Peak of what the kernel held for the server's connections during the scenario, KB. */
  kernelQueuePeakKb: number;
  logLines: number;
  serverAlive: boolean;
  loadAverage: number;
}

/** Every scenario file's `scenario`, in file name order; `only` keeps the named ones. */
export function loadScenarios(only: string[] = []): AbuseScenario[] {
  const files = readdirSync(SCENARIO_DIR).filter((file) => file.endsWith(".ts")).sort();
  const scenarios: AbuseScenario[] = [];
  for (const file of files) {
    // require, not import(): mocha's tsx/cjs hook compiles required .ts files only.
    const module = require(join(SCENARIO_DIR, file)) as { scenario?: AbuseScenario };
    if (!module.scenario) throw new Error(`${file} exports no \`scenario\``);
    if (only.length === 0 || only.includes(module.scenario.name)) scenarios.push(module.scenario);
  }
  return scenarios;
}

/**
 * Bytes the kernel holds for the server's TCP connections, both ends (the attackers run on this
 * machine): Send-Q of the server's sockets plus Recv-Q of the clients' (`ss -tn`); 0 without `ss`.
 */
function kernelQueuedKb(port: number): Promise<number> {
  return new Promise((resolve) => {
    execFile("ss", ["-Htn", "state", "established", `( sport = :${port} or dport = :${port} )`], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) return resolve(0);
      let bytes = 0;
      for (const line of stdout.split("\n")) {
        const [recvQ, sendQ] = line.trim().split(/\s+/);
        bytes += (Number(recvQ) || 0) + (Number(sendQ) || 0);
      }
      resolve(bytes / 1024);
    });
  });
}
/** Sampled less often than RSS: `ss` over thousands of sockets takes a moment. */
const KERNEL_SAMPLE_MS = 1000;

function rssMb(pid: number): number {
  const kb = Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return kb / 1024;
}

/** The server process every scenario attacks: default settings (one process, whatever the shell says) but a known admin password. */
export async function startTarget(): Promise<ServerProcess> {
  process.env.ADMIN_PASSWORD ??= "abuse-suite-admin";
  // Production limits: the loopback rig's raised per-address limits (test/helpers/env.ts) are undone,
  // and attackers named by X-Real-IP or a 127.x source address count as addresses of their own.
  const productionLimits = Object.fromEntries(Object.keys(ONE_ADDRESS_RIG_ENV).map((name) => [name, ""]));
  const server = await spawnServer({
    ...productionLimits,
    TRUSTED_PROXY: "127.0.0.1",
    ADMIN_PASSWORD: process.env.ADMIN_PASSWORD,
    REDIS_URL: "",
    PUBLIC_ADDRESS: "",
    RATE_LIMIT_SCALE: "1",
  });
  await eventually(
    () => fetch(`http://127.0.0.1:${server.port}/ready`).then((res) => res.ok, () => false),
    "the server under attack to be ready",
    SERVER_START_MS,
    100,
  );
  return server;
}

function isAlive(server: ServerProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}

/** The honest players, in their own process (./honestProcess.ts). */
class HonestProcess {
  private readonly child: ChildProcess = fork(join(__dirname, "honestProcess.ts"), { execArgv: ["--import", "tsx"] });

  ask(command: HonestCommand): Promise<HonestReply> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error("the honest players' process exited"));
      this.child.once("exit", onExit);
      this.child.once("message", (reply: HonestReply) => {
        this.child.off("exit", onExit);
        if ("error" in reply) reject(new Error(`honest players: ${reply.error}`));
        else resolve(reply);
      });
      this.child.send(command);
    });
  }

  async figures(): Promise<HonestFigures> {
    const reply = await this.ask("stop");
    if (!("figures" in reply)) throw new Error("honest players sent no figures");
    return reply.figures;
  }

  leave(): void {
    this.child.send("leave");
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}

async function runOne(server: ServerProcess, scenario: AbuseScenario, index: number, short: boolean): Promise<AbuseResult> {
  const httpUrl = `http://127.0.0.1:${server.port}`;
  const wsUrl = `ws://127.0.0.1:${server.port}`;
  const honest = new HonestProcess();
  const kill = () => honest.kill();
  process.once("exit", kill);
  await honest.ask({ join: wsUrl, window: `${index}-${scenario.name}` });
  const pid = server.child.pid!;
  const rssBeforeMb = rssMb(pid);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => isAlive(server) && (rssPeakMb = Math.max(rssPeakMb, rssMb(pid))), RSS_SAMPLE_MS);
  let kernelPeakKb = 0;
  const kernelSampler = setInterval(() => void kernelQueuedKb(server.port).then((kb) => (kernelPeakKb = Math.max(kernelPeakKb, kb))), KERNEL_SAMPLE_MS);
  const abort = new AbortController();
  const ctx: AbuseContext = {
    httpUrl,
    wsUrl,
    short,
    attackFor: (ms) =>
      new Promise<void>((resolve) => {
        if (abort.signal.aborted) return resolve();
        const timer = setTimeout(resolve, ms);
        abort.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
  const logLinesBefore = server.lines.length;
  const startedAt = performance.now();
  await honest.ask("start");
  let figures: AbuseFigures = {};
  let error: string | undefined;
  let overrun: NodeJS.Timeout | undefined;
  try {
    const timeLimit = new Promise<never>((_, reject) => {
      overrun = setTimeout(() => {
        abort.abort();
        reject(new Error(`did not finish within ${SCENARIO_OVERRUN_MS} ms of its attack`));
      }, (short ? 5_000 : 20_000) + SCENARIO_OVERRUN_MS);
    });
    figures = await Promise.race([scenario.run(ctx), timeLimit]);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(overrun);
    abort.abort();
  }
  // A quick attack (a handful of refused joins) still gets a window long enough for the honest
  // players' moves to be acknowledged, so their figures always exist.
  const shortBy = HONEST_MIN_WINDOW_MS - (performance.now() - startedAt);
  if (shortBy > 0) await new Promise((resolve) => setTimeout(resolve, shortBy));
  const seconds = (performance.now() - startedAt) / 1000;
  const honestFigures = await honest.figures();
  clearInterval(sampler);
  clearInterval(kernelSampler);
  const serverAlive = isAlive(server);
  if (serverAlive) rssPeakMb = Math.max(rssPeakMb, rssMb(pid));
  honest.leave();
  process.off("exit", kill);
  return {
    name: scenario.name,
    attack: scenario.attack,
    seconds,
    figures,
    error,
    honest: honestFigures,
    rssBeforeMb,
    rssGrowthMb: rssPeakMb - rssBeforeMb,
    kernelQueuePeakKb: kernelPeakKb,
    logLines: server.lines.length - logLinesBefore,
    serverAlive,
    loadAverage: loadavg()[0]!,
  };
}

/** No attack: the honest players' figures on this machine right now, to read the others against. */
const BASELINE_NAME = "baseline";
const BASELINE: AbuseScenario = {
  name: BASELINE_NAME,
  attack: "none",
  async run(ctx) {
    await ctx.attackFor(ctx.short ? 2000 : 10_000);
    return {};
  },
};

/** Runs the baseline, then the scenarios one at a time, against one server process and stops it. */
export async function runAbuseSuite(options: { short: boolean; only?: string[] }): Promise<AbuseResult[]> {
  const scenarios = [BASELINE, ...loadScenarios(options.only)];
  const server = await startTarget();
  // An interrupted run takes its server with it.
  const kill = () => server.child.kill("SIGKILL");
  process.once("exit", kill);
  const results: AbuseResult[] = [];
  try {
    for (const [index, scenario] of scenarios.entries()) {
      results.push(await runOne(server, scenario, index, options.short));
      if (!isAlive(server)) break;
    }
  } finally {
    kill();
    process.off("exit", kill);
    await server.exited;
  }
  return results;
}

/** What in `result` misses `targets`, in words (empty when everything held). */
export function misses(result: AbuseResult, targets: Targets): string[] {
  const found: string[] = [];
  if (result.error) found.push(`defence did not hold: ${result.error}`);
  if (!result.serverAlive) found.push("the server process exited");
  const { patchesPerSecond, moveAckP50Ms, chatLinesLost, chatLinesDoubled } = result.honest;
  if (patchesPerSecond < targets.minPatchesPerSecond) found.push(`honest patches/s ${patchesPerSecond.toFixed(1)} < ${targets.minPatchesPerSecond}`);
  if (moveAckP50Ms === null || moveAckP50Ms > targets.maxMoveAckP50Ms) {
    found.push(`honest move→ack p50 ${moveAckP50Ms?.toFixed(0) ?? "none"} ms > ${targets.maxMoveAckP50Ms}`);
  }
  if (result.rssGrowthMb >= targets.maxRssGrowthMb) found.push(`RSS grew ${result.rssGrowthMb.toFixed(0)} MB ≥ ${targets.maxRssGrowthMb}`);
  if (chatLinesLost > 0 || chatLinesDoubled > 0) found.push(`chat lines lost ${chatLinesLost}, doubled ${chatLinesDoubled}`);
  return found;
}

const cell = (value: AbuseFigures[string]) => (typeof value === "number" && !Number.isInteger(value) ? value.toFixed(1) : String(value));

/** The table `npm run abuse` prints (markdown, so it can go into docs/security.md as it is). */
export function formatTable(results: AbuseResult[]): string {
  const rows = [
    "| scenario | attack | s | honest patches/s | move→ack p50 ms | chat lines sent/lost/doubled | RSS before → growth MB | kernel queues peak KB | log lines | server alive | load avg | scenario's figures |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const own = r.error ? `FAILED: ${r.error}` : Object.entries(r.figures).map(([k, v]) => `${k}=${cell(v)}`).join(", ");
    rows.push(
      `| ${r.name} | ${r.attack} | ${r.seconds.toFixed(1)} | ${r.honest.patchesPerSecond.toFixed(1)} | ${r.honest.moveAckP50Ms?.toFixed(0) ?? "—"} | ` +
        `${r.honest.chatLinesSent}/${r.honest.chatLinesLost}/${r.honest.chatLinesDoubled} | ${r.rssBeforeMb.toFixed(0)} → +${r.rssGrowthMb.toFixed(0)} | ${r.kernelQueuePeakKb.toFixed(0)} | ` +
        `${r.logLines} | ${r.serverAlive ? "yes" : "NO"} | ${r.loadAverage.toFixed(2)} | ${own} |`,
    );
  }
  return rows.join("\n");
}

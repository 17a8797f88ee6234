/** Writes a bench run as JSON, a markdown table with the goals, and a PNG chart. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MemoryKbPerPlayer, Percentiles } from "./measure";

import { GOALS, type BotReport, type Scenario, type Target } from "./plan";
import type { AuditCounts } from "./viewAudit";
import { chartPng } from "./chart";
import { growthCell, growthFlags, GROWTH_TOLERANCE, stepCosts } from "./growth";

export interface StepResult extends BotReport {
  scenario: Scenario;
  target: Target;
  players: number;
  connected: number;
  joinSeconds: number;
  /** Not everyone had joined when the join deadline passed; nothing was measured. */
  joinTimedOut: boolean;
  /** Server process CPU over the window from /proc/<pid>/stat, percent of one core. */
  serverCpuPercent: number | null;
  serverRssMb: number | null;
  /** (RSS at the end of the window - RSS before anyone joined) / connected players. */
  rssKbPerPlayer: number | null;
  /** The same growth by part of the server's memory (serverProbe's process.memoryUsage after GC). */
  memoryKbPerPlayer: MemoryKbPerPlayer | null;
  loopLagP99Ms: number | null;
  loopLagMaxMs: number | null;
  /** The measured window on the server's CPU-profile clock (monotonic µs), to read a --cpu-prof profile over exactly it. */
  windowUs?: [number, number];
  /** Soak only: what the decoding audit probes counted (null: the audit failed). */
  audit?: AuditCounts | null;
}


export interface BenchResults {
  startedAt: string;
  seconds: number;
  mode: "full" | "quick";
  timing: { warmupS: number; measureS: number };
  machine: { cpus: number; cpuModel: string; memoryGb: number; freeMemoryGb: number; loadAverageAtStart: number[]; loadAverage: number[]; node: string };
  steps: StepResult[];
}

const latencyOf = (r: StepResult): Percentiles | null => r.ackLatencyMs ?? r.chatLatencyMs;
const dash = (v: number | null | undefined, suffix = "") => (v === null || v === undefined ? "–" : `${v}${suffix}`);

/** Our CPU divided by the baseline's at the same scenario and player count. */
export function cpuRatio(results: BenchResults, r: StepResult): number | null {
  if (r.target === "baseline") return null;
  const base = results.steps.find((b) => b.target === "baseline" && b.scenario === r.scenario && b.players === r.players);
  if (!base?.serverCpuPercent || r.serverCpuPercent === null) return null;
  return Math.round((r.serverCpuPercent / base.serverCpuPercent) * 100) / 100;
}

/** A step whose ack or chat p99 exceeds this is broken: the bench stops stepping that scenario up. */
export const BROKEN_P99_MS = 1000;

/** Why a step is broken (players could not join or stay, or latency ran away), or null when it held. */
export function brokenBy(r: StepResult): string | null {
  const p99 = latencyOf(r)?.p99 ?? 0;
  if (r.joinFailures > 0) return `${r.joinFailures} join failures`;
  if (r.drops > 0) return `${r.drops} drops`;
  if (p99 > BROKEN_P99_MS) return `p99 ${p99} ms, over ${BROKEN_P99_MS} ms`;
  return null;
}

export function markdownTable(results: BenchResults): string {
  const head = [
    "scenario", "server", "players", "connected", "join fail / drop", "server CPU %", "× baseline", "bots CPU %",
    "RSS KB / player", "latency p50 / p95 / p99 ms", "loop lag p99 ms", "B / client / s", "B / moved player / patch", "refusals",
    "CPU ms / player-s", "B / player-s", "per player-s × step below",
  ];
  const costs = stepCosts(results.steps);
  const rows = results.steps.map((r, i) => {
    const l = latencyOf(r);
    const c = costs[i];
    return [
      r.scenario, r.target, r.players, r.connected, `${r.joinFailures} / ${r.drops}`, dash(r.serverCpuPercent), dash(cpuRatio(results, r)),
      r.botsCpuPercent, dash(r.rssKbPerPlayer), l ? `${l.p50} / ${l.p95} / ${l.p99}` : "–", dash(r.loopLagP99Ms),
      r.bytesPerClientPerS, dash(r.bytesPerMovedPlayerPerPatch), r.refusals,
      dash(c.cpuMsPerPlayerS), dash(c.bytesPerPlayerS), growthCell(c),
    ].join(" | ");
  });
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r} |`)].join("\n");
}

interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean | null;
}

function latencyAt(results: BenchResults, scenario: Scenario, players: number, limitMs: number): GoalCheck {
  const goal = `${scenario}: ${players} players at p99 ≤ ${limitMs} ms`;
  const ours = results.steps.filter((r) => r.target === "colyseus" && r.scenario === scenario);
  const step = ours.find((r) => r.players === players);
  if (!step) return { goal, ...notMeasured(ours, players) };
  const p99 = latencyOf(step)?.p99;
  const healthy = step.joinFailures === 0 && step.drops === 0;
  if (p99 === undefined) return { goal, measured: "no latency samples", met: false };
  const over = p99 > limitMs ? ` (${Math.round((p99 / limitMs) * 10) / 10}× the limit)` : "";
  const trouble = healthy ? "" : `, ${step.joinFailures} join failures, ${step.drops} drops`;
  return { goal, measured: `p99 ${p99} ms${over}${trouble}`, met: p99 <= limitMs && healthy };
}

/**
 * A goal's step is absent: either a smaller step broke and the bench stopped stepping up (the goal is
 * missed), or this run's steps never reached it (--quick, --steps, --scenarios): nothing is known.
 */
function notMeasured(series: StepResult[], players: number): Pick<GoalCheck, "measured" | "met"> {
  const top = series.at(-1);
  const why = top && brokenBy(top);
  if (top && why && top.players < players) {
    return { measured: `not reached: the ${top.players}-player step broke (${why}), so larger steps were skipped`, met: false };
  }
  if (!top) return { measured: "not measured: this run did not include the scenario", met: null };
  return { measured: `not measured: this run's steps ended at ${top.players} players (a full run measures ${players})`, met: null };
}

/** CPU against the baseline at each all-see-all arena size of GOALS.cpuRatioPlayers. */
function cpuRatioCheck(results: BenchResults): GoalCheck {
  const goal = `arena, all see all: CPU ≤ ${GOALS.cpuRatio}× the baseline's at ${GOALS.cpuRatioPlayers.join(" and ")} players`;
  const ours = results.steps.filter((r) => r.target === "colyseus" && r.scenario === "arena");
  const ratios = GOALS.cpuRatioPlayers.map((players: number) => {
    const step = ours.find((r) => r.players === players);
    return { players, ratio: step ? cpuRatio(results, step) : null };
  });
  const known = ratios.filter((r): r is { players: number; ratio: number } => r.ratio !== null);
  if (known.length === 0) return { goal, measured: "not measured: no arena step of those sizes ran against the baseline", met: null };
  const measured = ratios.map((r) => `${r.players}: ${r.ratio === null ? "not measured" : `${r.ratio}×`}`).join(", ");
  const anyMissed = known.some((r) => r.ratio > GOALS.cpuRatio);
  return { goal, measured, met: anyMissed ? false : known.length === ratios.length ? true : null };
}

const NOT_IN_RUN = "not measured: this run had no such step";

function worst(results: BenchResults, pick: (r: StepResult) => number | null, filter: (r: StepResult) => boolean, target: Target = "colyseus") {
  const values = results.steps.filter((r) => r.target === target && filter(r)).map(pick).filter((v): v is number => v !== null);
  return values.length ? Math.max(...values) : null;
}

/** The arena targets: one arena of GOALS.interestPlayers with interest management on, and the soak. */
function interestChecks(results: BenchResults): GoalCheck[] {
  const find = (target: Target, players: number) => results.steps.find((r) => r.scenario === "arena" && r.target === target && r.players === players);
  const big = find("interest", GOALS.interestPlayers);
  const at = (goal: string, measured: (r: StepResult) => number | null, ok: (v: number) => boolean, unit = ""): GoalCheck => {
    const name = `interest on, ${GOALS.interestPlayers} players: ${goal}`;
    if (!big) return { goal: name, ...notMeasured(results.steps.filter((r) => r.scenario === "arena" && r.target === "interest"), GOALS.interestPlayers) };
    const value = measured(big);
    return { goal: name, measured: value === null ? "no samples" : `${value}${unit}`, met: value === null ? false : ok(value) };
  };
  const on = find("interest", 1000);
  const off = find("colyseus", 1000);
  const soak = results.steps.find((r) => r.scenario === "soak");
  const audit = soak?.audit;
  const rss = worst(results, (r) => r.rssKbPerPlayer, (r) => r.target === "interest" && r.connected >= 1000, "interest");
  return [
    at(`≥ ${GOALS.interestPatchesPerS} patches/s`, (r) => r.patchesPerS, (v) => v >= GOALS.interestPatchesPerS * 0.98),
    at(`move→ack p99 ≤ ${GOALS.battleP99Ms} ms`, (r) => r.ackLatencyMs?.p99 ?? null, (v) => v <= GOALS.battleP99Ms, " ms"),
    at(`server CPU ≤ ${GOALS.interestCpuPercent} % of one core`, (r) => r.serverCpuPercent, (v) => v <= GOALS.interestCpuPercent, " %"),
    at(`≤ ${GOALS.interestBytesPerClientPerS} B/s per client`, (r) => r.bytesPerClientPerS, (v) => v <= GOALS.interestBytesPerClientPerS, " B/s"),
    {
      goal: "interest on at 1000 players costs no more CPU than off",
      measured: on?.serverCpuPercent != null && off?.serverCpuPercent != null ? `on ${on.serverCpuPercent} %, off ${off.serverCpuPercent} %` : NOT_IN_RUN,
      met: on?.serverCpuPercent != null && off?.serverCpuPercent != null ? on.serverCpuPercent <= off.serverCpuPercent : null,
    },
    {
      goal: `interest on: ≤ ${GOALS.interestRssKbPerPlayer} KB RSS per player (1000+ players)`,
      measured: rss === null ? NOT_IN_RUN : `worst ${rss} KB`,
      met: rss === null ? null : rss <= GOALS.interestRssKbPerPlayer,
    },
    {
      goal: "soak: 0 ghosts, 0 missing, 0 stale, 0 decode errors",
      measured: !soak ? NOT_IN_RUN : !audit ? "audit failed" : `${audit.checked} patches checked over ${soak.seconds} s, ${audit.viewChanges} view changes: ghosts ${audit.ghosts}, missing ${audit.missing}, stale ${audit.stale}, decode errors ${audit.decodeErrors}`,
      met: !soak ? null : !!audit && audit.checked > 0 && audit.ghosts + audit.missing + audit.stale + audit.decodeErrors === 0,
    },
  ];
}

export function goalChecks(results: BenchResults): GoalCheck[] {
  const bytes = worst(results, (r) => r.bytesPerMovedPlayerPerPatch, (r) => r.scenario !== "chat");
  // RSS per player is meaningful once the players outweigh the heap's own noise.
  const rss = worst(results, (r) => r.rssKbPerPlayer, (r) => r.connected >= 500);
  const versus = (value: number, limit: number) => (value > limit ? ` (${Math.round((value / limit) * 10) / 10}× the limit)` : "");
  return [
    latencyAt(results, "arena", GOALS.arenaPlayers, GOALS.battleP99Ms),
    latencyAt(results, "rooms", GOALS.roomsPlayers, GOALS.battleP99Ms),
    latencyAt(results, "chat", GOALS.chatMembers, GOALS.chatP99Ms),
    cpuRatioCheck(results),
    {
      goal: `≤ ${GOALS.bytesPerMovedPlayer} bytes per moved player per patch`,
      measured: bytes === null ? NOT_IN_RUN : `worst ${bytes} B${versus(bytes, GOALS.bytesPerMovedPlayer)}`,
      met: bytes === null ? null : bytes <= GOALS.bytesPerMovedPlayer,
    },
    {
      goal: `≤ ${GOALS.rssKbPerPlayer} KB RSS per player (steps of 500+ players)`,
      measured: rss === null ? "not measured: no step of 500+ players in this run" : `worst ${rss} KB${versus(rss, GOALS.rssKbPerPlayer)}`,
      met: rss === null ? null : rss <= GOALS.rssKbPerPlayer,
    },
    ...interestChecks(results),
  ];
}

export function markdown(results: BenchResults): string {
  const m = results.machine;
  const goals = goalChecks(results)
    .map((g) => `| ${g.goal} | ${g.measured} | ${g.met === null ? "not measured" : g.met ? "met" : "**missed**"} |`)
    .join("\n");
  const flags = growthFlags(results.steps);
  return `# Bench results (${results.mode})

Started ${results.startedAt}, took ${results.seconds} s; each step warmed up ${results.timing.warmupS} s and measured
${results.timing.measureS} s. Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB (${m.freeMemoryGb} GB free at the end),
load average (1 / 5 / 15 min) ${m.loadAverageAtStart.join(" / ")} at the start and ${m.loadAverage.join(" / ")} at the end
(above ${m.cpus} means other work competed for the cores), Node ${m.node}.

Latency is input→ack for battles (send \`move\` seq k until the probe's state shows \`lastInput >= k\`) and
send→receive for chat. Server CPU is percent of one core from /proc over the window; × baseline divides it by the
raw-ws baseline's at the same step. Bots CPU is the bots process (all clients) in percent of one core.

## Goals

The goals of \`docs/performance.md\` ("Goals"). "Not measured" means this run's steps
did not include that size (a quick run, or chosen \`--steps\`): it says nothing either way. "Not reached"
means a smaller step broke (join failures, drops, or p99 over ${BROKEN_P99_MS} ms), the bench stopped
stepping up, and the goal is missed.

| goal | measured | |
|---|---|---|
${goals}

## Steps

${markdownTable(results)}

## Cost growth

CPU ms and bytes the server pays per player per second; the last column divides each by the same
figure at the next smaller step of the same scenario and server. Above ${GROWTH_TOLERANCE}× (bold) the
total grows faster than the player count. All-see-all bytes grow with the players by design (each
client receives everyone's moves).

${flags.length ? flags.map((f) => `- ${f}`).join("\n") : "No step grew faster than linear."}

![latency and CPU against players](${results.mode}.png)
`;
}

/** Writes `<mode>.json`, `<mode>.md` and `<mode>.png` into `dir`; returns their paths. */
export async function writeResults(dir: string, results: BenchResults): Promise<string[]> {
  const files = { json: join(dir, `${results.mode}.json`), md: join(dir, `${results.mode}.md`), png: join(dir, `${results.mode}.png`) };
  const costs = stepCosts(results.steps);
  const withCosts = { ...results, steps: results.steps.map((r, i) => ({ ...r, cost: costs[i] })) };
  writeFileSync(files.json, JSON.stringify(withCosts, null, 2) + "\n");
  writeFileSync(files.md, markdown(results));
  writeFileSync(files.png, chartPng(results, (r) => latencyOf(r)?.p99 ?? null));
  return Object.values(files);
}

/** Writes a bench run as JSON, a markdown table with the goals, and a PNG chart. */
import { createCanvas } from "@napi-rs/canvas";
import { Chart, registerables, type ChartConfiguration } from "chart.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MemoryKbPerPlayer, Percentiles } from "./measure";

import { GOALS, type BotReport, type Scenario, type Target } from "./plan";
import type { AuditCounts } from "./viewAudit";

Chart.register(...registerables);

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
  return Math.round((r.serverCpuPercent / base.serverCpuPercent) * 10) / 10;
}

export function markdownTable(results: BenchResults): string {
  const head = [
    "scenario", "server", "players", "connected", "join fail / drop", "server CPU %", "× baseline", "bots CPU %",
    "RSS KB / player", "latency p50 / p95 / p99 ms", "loop lag p99 ms", "B / client / s", "B / moved player / patch", "refusals",
  ];
  const rows = results.steps.map((r) => {
    const l = latencyOf(r);
    return [
      r.scenario, r.target, r.players, r.connected, `${r.joinFailures} / ${r.drops}`, dash(r.serverCpuPercent), dash(cpuRatio(results, r)),
      r.botsCpuPercent, dash(r.rssKbPerPlayer), l ? `${l.p50} / ${l.p95} / ${l.p99}` : "–", dash(r.loopLagP99Ms),
      r.bytesPerClientPerS, dash(r.bytesPerMovedPlayerPerPatch), r.refusals,
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
  if (!step) {
    const top = ours.at(-1);
    return { goal, measured: top ? `not run: stopped at ${top.players}` : "not run", met: null };
  }
  const p99 = latencyOf(step)?.p99;
  const healthy = step.joinFailures === 0 && step.drops === 0;
  if (p99 === undefined) return { goal, measured: "no latency samples", met: false };
  const over = p99 > limitMs ? ` (${Math.round((p99 / limitMs) * 10) / 10}× the limit)` : "";
  const trouble = healthy ? "" : `, ${step.joinFailures} join failures, ${step.drops} drops`;
  return { goal, measured: `p99 ${p99} ms${over}${trouble}`, met: p99 <= limitMs && healthy };
}

function worst(results: BenchResults, pick: (r: StepResult) => number | null, filter: (r: StepResult) => boolean, target: Target = "colyseus") {
  const values = results.steps.filter((r) => r.target === target && filter(r)).map(pick).filter((v): v is number => v !== null);
  return values.length ? Math.max(...values) : null;
}

/** The arena targets: one arena of GOALS.interestPlayers with interest management on, and the soak. */
function interestChecks(results: BenchResults): GoalCheck[] {
  const find = (target: Target, players: number) => results.steps.find((r) => r.scenario === "arena" && r.target === target && r.players === players);
  const big = find("interest", GOALS.interestPlayers);
  const at = (goal: string, measured: (r: StepResult) => number | null, ok: (v: number) => boolean, unit = ""): GoalCheck => {
    const value = big ? measured(big) : null;
    return { goal: `interest on, ${GOALS.interestPlayers} players: ${goal}`, measured: value === null ? "not run" : `${value}${unit}`, met: value === null ? null : ok(value) };
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
      measured: on?.serverCpuPercent != null && off?.serverCpuPercent != null ? `on ${on.serverCpuPercent} %, off ${off.serverCpuPercent} %` : "not run",
      met: on?.serverCpuPercent != null && off?.serverCpuPercent != null ? on.serverCpuPercent <= off.serverCpuPercent : null,
    },
    {
      goal: `interest on: ≤ ${GOALS.interestRssKbPerPlayer} KB RSS per player (1000+ players)`,
      measured: rss === null ? "not run" : `worst ${rss} KB`,
      met: rss === null ? null : rss <= GOALS.interestRssKbPerPlayer,
    },
    {
      goal: "soak: 0 ghosts, 0 missing, 0 stale, 0 decode errors",
      measured: !soak ? "not run" : !audit ? "audit failed" : `${audit.checked} patches checked over ${soak.seconds} s, ${audit.viewChanges} view changes: ghosts ${audit.ghosts}, missing ${audit.missing}, stale ${audit.stale}, decode errors ${audit.decodeErrors}`,
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
    {
      goal: `≤ ${GOALS.bytesPerMovedPlayer} bytes per moved player per patch`,
      measured: bytes === null ? "not measured" : `worst ${bytes} B${versus(bytes, GOALS.bytesPerMovedPlayer)}`,
      met: bytes === null ? null : bytes <= GOALS.bytesPerMovedPlayer,
    },
    {
      goal: `≤ ${GOALS.rssKbPerPlayer} KB RSS per player (steps of 500+ players)`,
      measured: rss === null ? "no step of 500+ players" : `worst ${rss} KB${versus(rss, GOALS.rssKbPerPlayer)}`,
      met: rss === null ? null : rss <= GOALS.rssKbPerPlayer,
    },
    ...interestChecks(results),
  ];
}

export function markdown(results: BenchResults): string {
  const m = results.machine;
  const goals = goalChecks(results)
    .map((g) => `| ${g.goal} | ${g.measured} | ${g.met === null ? "not run" : g.met ? "met" : "**missed**"} |`)
    .join("\n");
  return `# Bench results (${results.mode})

Started ${results.startedAt}, took ${results.seconds} s; each step warmed up ${results.timing.warmupS} s and measured
${results.timing.measureS} s. Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB (${m.freeMemoryGb} GB free at the end),
load average (1 / 5 / 15 min) ${m.loadAverageAtStart.join(" / ")} at the start and ${m.loadAverage.join(" / ")} at the end
(above ${m.cpus} means other work competed for the cores), Node ${m.node}.

Latency is input→ack for battles (send \`move\` seq k until the probe's state shows \`lastInput >= k\`) and
send→receive for chat. Server CPU is percent of one core from /proc over the window; × baseline divides it by the
raw-ws baseline's at the same step. Bots CPU is the bots process (all clients) in percent of one core.

## Goals

| goal | measured | |
|---|---|---|
${goals}

## Steps

${markdownTable(results)}

![latency and CPU against players](${results.mode}.png)
`;
}

const COLORS: Record<Scenario, string> = { arena: "#d62728", rooms: "#1f77b4", chat: "#2ca02c", soak: "#9467bd" };
/** Line style per server: interest management on dotted, the raw-ws baseline dashed. */
const DASHES: Record<Target, number[]> = { colyseus: [], interest: [2, 3], baseline: [6, 4] };

function chartConfig(results: BenchResults, title: string, yTitle: string, value: (r: StepResult) => number | null): ChartConfiguration<"line"> {
  const datasets = [];
  for (const scenario of Object.keys(COLORS) as Scenario[]) {
    for (const target of Object.keys(DASHES) as Target[]) {
      const steps = results.steps.filter((r) => r.scenario === scenario && r.target === target);
      const data = steps.map((r) => ({ x: r.players, y: value(r) })).filter((p): p is { x: number; y: number } => p.y !== null);
      if (data.length === 0) continue;
      datasets.push({
        label: `${scenario} (${target})`,
        data,
        borderColor: COLORS[scenario],
        backgroundColor: COLORS[scenario],
        borderDash: DASHES[target],
      });
    }
  }
  return {
    type: "line",
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: { title: { display: true, text: title } },
      scales: {
        x: { type: "linear", title: { display: true, text: "players" } },
        y: { type: "linear", beginAtZero: true, title: { display: true, text: yTitle } },
      },
    },
  };
}

/** Two charts side by side: p99 latency and server CPU against players. */
export function chartPng(results: BenchResults): Buffer {
  const width = 700;
  const height = 420;
  const canvas = createCanvas(width * 2, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width * 2, height);
  const panels = [
    chartConfig(results, "p99 latency (battle: input→ack, chat: send→receive)", "ms", (r) => latencyOf(r)?.p99 ?? null),
    chartConfig(results, "server CPU (dotted: interest on, dashed: raw ws baseline)", "% of one core", (r) => r.serverCpuPercent),
  ];
  panels.forEach((config, i) => {
    const panel = createCanvas(width, height);
    // Chart.js only needs a 2D context; @napi-rs/canvas provides one without a browser.
    const chart = new Chart(panel.getContext("2d") as unknown as CanvasRenderingContext2D, config);
    chart.draw();
    ctx.drawImage(panel, i * width, 0);
    chart.destroy();
  });
  return canvas.toBuffer("image/png");
}

/** Writes `<mode>.json`, `<mode>.md` and `<mode>.png` into `dir`; returns their paths. */
export async function writeResults(dir: string, results: BenchResults): Promise<string[]> {
  const files = { json: join(dir, `${results.mode}.json`), md: join(dir, `${results.mode}.md`), png: join(dir, `${results.mode}.png`) };
  writeFileSync(files.json, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(files.md, markdown(results));
  writeFileSync(files.png, chartPng(results));
  return Object.values(files);
}

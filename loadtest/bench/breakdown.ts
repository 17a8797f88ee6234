/**
 * Where a server's CPU goes, by kind of work, from a V8 CPU profile's measured window: our server
 * and the raw-ws baseline side by side, in percent of one core, so what only ours pays stands out.
 * The profiler samples by wall clock, so on a loaded machine time the process waited for a core is
 * charged to whatever ran next: each kind's share of the busy samples is scaled to the CPU the
 * process really used over the window (/proc), which the load does not inflate.
 */
import { fileOf, selfTimes, type CpuProfile } from "./profileSummary";

/** Kinds of work, in the order the table lists them. `idle` is left out of the table. */
export const CATEGORIES = [
  "socket writes (writev)",
  "ws framing and reading",
  "GC",
  "V8 and native (program)",
  "Colyseus core (dispatch, patch loop, clock)",
  "Colyseus ws transport",
  "schema encode",
  "msgpack",
  "our patch serializer",
  "registrar and rate buckets",
  "telemetry (prom-client, wire meter)",
  "wire guard and front door",
  "rooms (handlers, tick)",
  "game rules and parsers (shared with the baseline)",
  "baseline's own code",
  "timers",
  "Node internals (streams, events)",
  "bench probe",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number] | "idle";

const SOCKET_WRITES = new Set(["writev", "writeBuffer", "writeUtf8String", "writeLatin1String", "writeAsciiString"]);

/** The kind of work a profile frame does, by its function and its file or package. */
export function categoryOf(functionName: string, url: string): Category {
  if (functionName === "(idle)") return "idle";
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)") return "V8 and native (program)";
  if (SOCKET_WRITES.has(functionName)) return "socket writes (writev)";
  const file = fileOf(url, functionName);
  if (file === "ws" || file === "bufferutil") return "ws framing and reading";
  if (file === "@colyseus/core") return "Colyseus core (dispatch, patch loop, clock)";
  if (file === "@colyseus/ws-transport") return "Colyseus ws transport";
  if (file === "@colyseus/schema") return "schema encode";
  if (/msgpackr/.test(file)) return "msgpack";
  if (file === "prom-client" || file.startsWith("server/telemetry/")) return "telemetry (prom-client, wire meter)";
  if (file === "server/rooms/interestViews.ts") return "our patch serializer";
  if (/^server\/(rooms\/(messages|guardedRoom|refuse)\.ts|security\/rateLimit\.ts|shared\/tokenBucket\.ts)$/.test(file)) return "registrar and rate buckets";
  if (file.startsWith("server/security/")) return "wire guard and front door";
  if (file.startsWith("server/rooms/")) return "rooms (handlers, tick)";
  if (/^server\/shared\/(game|parse|arena|lagcomp|interestGrid)\.ts$/.test(file)) return "game rules and parsers (shared with the baseline)";
  if (file === "loadtest/bench/baseline.ts") return "baseline's own code";
  if (file === "loadtest/bench/serverProbe.ts") return "bench probe";
  if (url.startsWith("node:internal/timers") || functionName === "processTimers" || functionName === "listOnTimeout") return "timers";
  if (url.startsWith("node:")) return "Node internals (streams, events)";
  return "other";
}

export interface Breakdown {
  /** Percent of one core per category over the window (idle left out), summing to `busy`. */
  percent: Partial<Record<Category, number>>;
  /** Busy percent of one core: the process's CPU over the window. */
  busy: number;
}

/** The breakdown over `window` (monotonic µs, as the bench records it), scaled to `cpuPercent` of one core. */
export function breakdown(profile: CpuProfile, window: [number, number], cpuPercent: number): Breakdown {
  const { self, nodes } = selfTimes(profile, window);
  const us: Partial<Record<Category, number>> = {};
  for (const [id, time] of self) {
    const { functionName, url } = nodes.get(id)!.callFrame;
    const category = categoryOf(functionName, url);
    us[category] = (us[category] ?? 0) + time;
  }
  const busyUs = Object.entries(us).reduce((sum, [category, time]) => (category === "idle" ? sum : sum + time), 0);
  const percent: Partial<Record<Category, number>> = {};
  if (busyUs === 0) return { percent, busy: cpuPercent };
  for (const [category, time] of Object.entries(us) as [Category, number][]) {
    if (category !== "idle") percent[category] = Math.round((time / busyUs) * cpuPercent * 10) / 10;
  }
  return { percent, busy: cpuPercent };
}

/** One players count: ours against the baseline, in percent of one core and per player-second. */
export function sideBySide(players: number, ours: Breakdown, baseline: Breakdown): string {
  const cell = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(1));
  const rows = CATEGORIES.filter((c) => (ours.percent[c] ?? 0) + (baseline.percent[c] ?? 0) >= 0.1).map((c) => {
    const o = ours.percent[c] ?? 0;
    const b = baseline.percent[c] ?? 0;
    const diff = o - b;
    return `| ${c} | ${cell(ours.percent[c])} | ${cell(baseline.percent[c])} | ${diff >= 0 ? "+" : ""}${diff.toFixed(1)} |`;
  });
  const ratio = baseline.busy > 0 ? `${(ours.busy / baseline.busy).toFixed(2)}×` : "–";
  const perPlayer = (b: Breakdown) => ((b.busy * 10) / players).toFixed(3);
  return [
    `### ${players} players, all see all`,
    "",
    `CPU (/proc): ours ${ours.busy} %, baseline ${baseline.busy} % of one core (${ratio}); CPU ms per player-second: ours ${perPlayer(ours)}, baseline ${perPlayer(baseline)}.`,
    "",
    "| where (self time) | ours, % of a core | baseline, % of a core | ours − baseline |",
    "|---|---|---|---|",
    ...rows,
    `| **CPU** | **${ours.busy}** | **${baseline.busy}** | **${ours.busy - baseline.busy >= 0 ? "+" : ""}${(ours.busy - baseline.busy).toFixed(1)}** |`,
  ].join("\n");
}

/**
 * Where a server's time went, from a V8 CPU profile that `npm run bench -- --cpu-prof` wrote: self
 * time per function and per file or package, over the whole profile or its last seconds (the
 * measured window, after the joins).
 *
 *   node --import tsx loadtest/bench/profileSummary.ts <file.cpuprofile> [--last S] [--top N]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The path inside the project, or the package for node_modules, or the V8 pseudo-frame's name. */
export function fileOf(url: string, functionName: string): string {
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (pkg) return pkg[1];
  if (!url) return functionName;
  return url.replace(/^file:\/\//, "").replace(/^.*?\/((?:server|loadtest|client|test)\/)/, "$1");
}

function top(totals: Map<string, number>, all: number, n: number): string {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => `${((100 * us) / all).toFixed(1).padStart(5)} %  ${name}`)
    .join("\n");
}

/** Self time in microseconds per profile node over the window (the last `lastS` seconds before the shutdown, or all). */
export function selfTimes(profile: CpuProfile, lastS: number | undefined | [number, number]): { self: Map<number, number>; nodes: Map<number, ProfileNode> } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  let at = profile.startTime;
  const times = profile.timeDeltas.map((delta) => (at += delta));
  // The last half second is the shutdown; the window ends before it (or where the bench says it ended).
  const end = Array.isArray(lastS) ? lastS[1] : times[times.length - 1] - 500_000;
  const start = Array.isArray(lastS) ? lastS[0] : lastS === undefined ? -Infinity : end - lastS * 1e6;
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (times[i] > start && times[i] <= end) self.set(id, (self.get(id) ?? 0) + profile.timeDeltas[i]);
  });
  return { self, nodes };
}

export function summarize(profile: CpuProfile, lastS: number | undefined, n: number): string {
  const { self, nodes } = selfTimes(profile, lastS);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let all = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const file = fileOf(url, functionName || "(anonymous)");
    // tsx hands V8 its compiled output, so a project file's line numbers mean nothing: only a package's are kept.
    const line = /node_modules\/|^node:/.test(url) ? `:${lineNumber + 1}` : "";
    const fn = `${functionName || "(anonymous)"}${url ? ` ${file}${line}` : ""}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
    all += us;
  }
  const window = lastS === undefined ? "whole profile" : `last ${lastS} s before shutdown`;
  return `${window}: ${(all / 1e6).toFixed(1)} s of samples\n\nself time by function\n${top(byFunction, all, n)}\n\nself time by file or package\n${top(byFile, all, n)}\n`;
}

if (process.argv[1]?.endsWith("profileSummary.ts")) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { last: { type: "string" }, top: { type: "string", default: "25" } },
  });
  if (positionals.length !== 1) {
    console.error("usage: node --import tsx loadtest/bench/profileSummary.ts <file.cpuprofile> [--last S] [--top N]");
    process.exit(2);
  }
  const lastS = values.last === undefined ? undefined : Number(values.last);
  const n = Number(values.top);
  if ((lastS !== undefined && !(lastS > 0)) || !(Number.isInteger(n) && n > 0)) {
    console.error(`--last takes seconds above 0 and --top a whole number above 0, got ${values.last} and ${values.top}`);
    process.exit(2);
  }
  process.stdout.write(summarize(JSON.parse(readFileSync(positionals[0], "utf8")) as CpuProfile, lastS, n));
}

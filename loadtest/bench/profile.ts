/**
 * `npm run bench:profile`: our server (interest management off, every player sees every other)
 * and the raw-ws baseline profiled at the same arena sizes in one run, and where each one's CPU
 * went over the measured window, side by side (./breakdown.ts). Writes `profile.md` beside the
 * bench's `full.{md,json,png}` and the profiles.
 *
 *   npm run bench:profile                                    200 and 1000 players, into loadtest/results/profile-<UTC date>/
 *   npm run bench:profile -- --steps 200 --out /tmp/p        one size, elsewhere
 *   npm run bench:profile -- --summarize DIR                 only the table, from an earlier run's DIR
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { breakdown, sideBySide } from "./breakdown";
import type { CpuProfile } from "./profileSummary";
import type { BenchResults } from "./report";

const ROOT = resolve(__dirname, "..", "..");
/** Seconds measured per step, and the profile window read (the same: the window after the warm-up). */
const MEASURE_S = 10;

const { values: args } = parseArgs({
  options: {
    steps: { type: "string", default: "200,1000" },
    out: { type: "string", default: join(ROOT, "loadtest", "results", `profile-${new Date().toISOString().slice(0, 10)}`) },
    summarize: { type: "string" },
  },
});

/** The main thread's profile of one step: the largest file (tsx's loader thread writes a small one). */
function mainThreadProfile(dir: string): CpuProfile {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(dir, f));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  const largest = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  return JSON.parse(readFileSync(largest, "utf8")) as CpuProfile;
}

function summarizeRun(dir: string): string {
  const results = JSON.parse(readFileSync(join(dir, "full.json"), "utf8")) as BenchResults;
  const sizes = [...new Set(results.steps.map((s) => s.players))].sort((a, b) => a - b);
  const m = results.machine;
  const sections = sizes.map((players) => {
    const step = (target: string) => results.steps.find((s) => s.players === players && s.target === target);
    const ours = step("colyseus");
    const base = step("baseline");
    // A step that broke (joins timed out) has no window or CPU: it gets no table.
    if (!ours?.windowUs || ours.serverCpuPercent === null || !base?.windowUs || base.serverCpuPercent === null) {
      return `### ${players} players, all see all\n\nNot profiled: a step of this size has no measured window (it did not run, or its joins timed out).`;
    }
    const of = (target: string, s: NonNullable<typeof ours>) =>
      breakdown(mainThreadProfile(join(dir, "profiles", `arena-${target}-${players}`)), s.windowUs!, s.serverCpuPercent!);
    const line = (name: string, s: typeof ours) =>
      s ? `${name}: /proc CPU ${s.serverCpuPercent} %, ${s.patchesPerS} patches/s to a probe, p99 ${s.ackLatencyMs?.p99} ms, ${s.bytesPerClientPerS} B/client/s` : `${name}: not run`;
    return `${sideBySide(players, of("colyseus", ours), of("baseline", base))}\n\n${line("ours", ours)}; ${line("baseline", base)}.`;
  });
  return `# Profile: our server against the raw-ws baseline

Started ${results.startedAt}; ${m.cpus} × ${m.cpuModel}; load average ${m.loadAverageAtStart.join(" / ")} at the start and
${m.loadAverage.join(" / ")} at the end (above ${m.cpus}: other work competed for the cores). Self time of the main
thread over each step's measured ${results.timing.measureS} s from \`node --cpu-prof\`, as shares of the process's CPU
over that window (/proc), in percent of one core.

${sections.join("\n\n")}
`;
}

function main() {
  const out = resolve(args.summarize ?? args.out);
  if (!args.summarize) {
    const bench = ["--import", "tsx", join(__dirname, "main.ts"), "--scenarios", "arena", "--steps", args.steps,
      "--targets", "colyseus,baseline", "--cpu-prof", "--measure", String(MEASURE_S), "--out", out];
    console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
    const run = spawnSync(process.execPath, bench, { cwd: ROOT, stdio: "inherit" });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  const text = summarizeRun(out);
  writeFileSync(join(out, "profile.md"), text);
  process.stdout.write(text);
}

main();

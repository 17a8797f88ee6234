/**
 * Instructions per client-tick of ./hotPath.ts, counted by `valgrind --tool=callgrind`: a measure of
 * a cut that the load of a shared machine does not move. The workload runs twice, without ticks and
 * with TICKS, and the difference is divided by the client-ticks, so node's start-up drops out.
 * With `--against REV` the same workload is built from that commit's sources too (this harness,
 * their server code) and both are printed: the before and after of one change, in one run.
 *
 *   node --import tsx loadtest/bench/instructions.ts                   this tree
 *   node --import tsx loadtest/bench/instructions.ts --against HEAD~1  the commit before, then this tree
 *   node --import tsx loadtest/bench/instructions.ts --against HEAD~1 --after HEAD   two commits, whatever the tree holds
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CLIENTS } from "./hotPath";

const ROOT = resolve(__dirname, "..", "..");
/** Ticks of the measured run: 100 clients x 200 ticks, about a minute under callgrind. */
const TICKS = 200;

const { values: args } = parseArgs({ options: { against: { type: "string" }, after: { type: "string" }, ticks: { type: "string" } } });

/** Bundles hotPath.ts of `root` into its node_modules (packages stay external and resolve from there). */
function bundle(root: string): string {
  const out = join(root, "node_modules", ".cache", "hotPath.js");
  execFileSync(join(ROOT, "node_modules", ".bin", "esbuild"), [join(root, "loadtest", "bench", "hotPath.ts"), "--bundle", "--platform=node",
    "--packages=external", "--log-level=warning", `--outfile=${out}`], { cwd: root, stdio: "inherit" });
  return out;
}

/** Instructions callgrind counts for one run of the bundle (one thread: V8's helpers would add noise). */
function instructions(script: string, ticks: number): number {
  const run = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--single-threaded", script, String(ticks)], { encoding: "utf8" });
  const collected = /Collected : (\d+)/.exec(run.stderr);
  if (run.status !== 0 || !collected) throw new Error(`valgrind failed (${run.status}): ${run.stderr.slice(-1000)}`);
  return Number(collected[1]);
}

function perClientTick(root: string, ticks: number): number {
  const script = bundle(root);
  const none = instructions(script, 0);
  const some = instructions(script, ticks);
  return Math.round((some - none) / (CLIENTS * ticks));
}

/** The sources of `rev` in a temporary folder, with this tree's harness and packages. */
function checkout(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), "hotpath-"));
  execFileSync("sh", ["-c", `git -C "${ROOT}" archive "${rev}" server loadtest | tar -x -C "${dir}"`]);
  copyFileSync(join(ROOT, "loadtest", "bench", "hotPath.ts"), join(dir, "loadtest", "bench", "hotPath.ts"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function main() {
  const ticks = args.ticks ? Number(args.ticks) : TICKS;
  if (!(Number.isInteger(ticks) && ticks > 0)) throw new Error(`--ticks takes a whole number above 0, got ${args.ticks}`);
  if (args.against) {
    const dir = checkout(args.against);
    const afterDir = args.after ? checkout(args.after) : ROOT;
    try {
      // The bundle lands in the shared node_modules: build and count one tree at a time.
      const before = perClientTick(dir, ticks);
      const after = perClientTick(afterDir, ticks);
      const change = (((after - before) / before) * 100).toFixed(1);
      console.log(`instructions per client-tick: ${args.against} ${before}, ${args.after ?? "this tree"} ${after} (${change} %)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (afterDir !== ROOT) rmSync(afterDir, { recursive: true, force: true });
    }
    return;
  }
  console.log(`instructions per client-tick: ${perClientTick(ROOT, ticks)}`);
}

main();

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chartConfig } from "../../loadtest/bench/chart";
import { GROWTH_TOLERANCE, growthFlags, stepCosts } from "../../loadtest/bench/growth";
import type { Scenario, Target } from "../../loadtest/bench/plan";
import { goalChecks, markdown, type BenchResults, type StepResult } from "../../loadtest/bench/report";
import { ROOT } from "../helpers/paths";

function step(scenario: Scenario, target: Target, players: number, more: Partial<StepResult> = {}): StepResult {
  return {
    scenario, target, players, connected: players, joined: players, joinFailures: 0, drops: 0, refusals: 0, seconds: 10,
    serverCpuPercent: players / 10, bytesPerClientPerS: 1000, bytesPerMovedPlayerPerPatch: 9, patchesPerS: 20,
    ackLatencyMs: scenario === "chat" ? null : { count: 10, p50: 5, p95: 8, p99: 10, max: 12 },
    chatLatencyMs: scenario === "chat" ? { count: 10, p50: 1, p95: 2, p99: 3, max: 4 } : null,
    rssKbPerPlayer: 10, memoryKbPerPlayer: null, loopLagP99Ms: 1, loopLagMaxMs: 2, serverRssMb: 100, joinSeconds: 1, joinTimedOut: false,
    unackedMoves: 0, botsCpuPercent: 10, botsLoopLagP99Ms: 1,
    ...more,
  };
}

const results = (steps: StepResult[]): BenchResults => ({
  startedAt: "2026-12-07T00:00:00.000Z", seconds: 60, mode: "quick", timing: { warmupS: 1, measureS: 3 },
  machine: { cpus: 2, cpuModel: "test", memoryGb: 8, freeMemoryGb: 4, loadAverageAtStart: [1, 1, 1], loadAverage: [1, 1, 1], node: "v20" },
  steps,
});

const goal = (r: BenchResults, start: string) => goalChecks(r).find((g) => g.goal.startsWith(start))!;

describe("bench: readable results", () => {
  it("states every goal line of its results in docs/performance.md, with the same numbers", () => {
    const doc = readFileSync(join(ROOT, "docs", "performance.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Goals"), doc.indexOf("## Latest results")).replace(/`/g, "");
    const lines = goalChecks(results([])).map((g) => g.goal);
    assert.ok(lines.length >= 10);
    for (const line of lines) assert.ok(section.includes(`- ${line}`), `docs/performance.md's Goals lack "${line}"`);
    assert.ok(section.includes(`${GROWTH_TOLERANCE}×`), "the doc names the growth tolerance");
  });

  it("says a goal was not measured when this run's steps stopped short of it, with the largest step run", () => {
    const quick = results([step("arena", "colyseus", 200)]);
    assert.deepEqual(goal(quick, "arena: 1000"), {
      goal: "arena: 1000 players at p99 ≤ 100 ms",
      measured: "not measured: this run's steps ended at 200 players (a full run measures 1000)",
      met: null,
    });
    assert.match(markdown(quick), /\| arena: 1000 players at p99 ≤ 100 ms \| not measured: [^|]+ \| not measured \|/);
  });

  it("says a goal was not reached, and missed, when a smaller step broke and the bench stopped stepping up", () => {
    const broke = results([step("arena", "colyseus", 200), step("arena", "colyseus", 500, { drops: 3 })]);
    assert.deepEqual(goal(broke, "arena: 1000"), {
      goal: "arena: 1000 players at p99 ≤ 100 ms",
      measured: "not reached: the 500-player step broke (3 drops), so larger steps were skipped",
      met: false,
    });
    const slow = results([step("arena", "interest", 1000, { ackLatencyMs: { count: 9, p50: 800, p95: 1500, p99: 1800, max: 2000 } })]);
    assert.match(goal(slow, "interest on, 2000 players: ≥").measured, /^not reached: the 1000-player step broke \(p99 1800 ms, over 1000 ms\)/);
  });

  it("checks our CPU against the baseline's at 200 and 1000 players all-see-all", () => {
    const run = (ours200: number, ours1000: number) => results([
      step("arena", "colyseus", 200, { serverCpuPercent: ours200 }), step("arena", "baseline", 200, { serverCpuPercent: 20 }),
      step("arena", "colyseus", 1000, { serverCpuPercent: ours1000 }), step("arena", "baseline", 1000, { serverCpuPercent: 50 }),
    ]);
    assert.deepEqual(goal(run(24, 62), "arena, all see all"), {
      goal: "arena, all see all: CPU ≤ 1.25× the baseline's at 200 and 1000 players", measured: "200: 1.2×, 1000: 1.24×", met: true,
    });
    assert.equal(goal(run(40, 62), "arena, all see all").met, false);
    assert.equal(goal(results([step("arena", "colyseus", 200)]), "arena, all see all").met, null);
  });
});

describe("bench: cost per player-second", () => {
  it("gives CPU ms and bytes per player-second and flags only the step whose cost per player grew faster than linear", () => {
    const steps = [
      step("rooms", "colyseus", 100, { serverCpuPercent: 10, bytesPerClientPerS: 1000 }),
      step("rooms", "colyseus", 200, { serverCpuPercent: 21, bytesPerClientPerS: 1050 }), // linear within the tolerance
      step("rooms", "colyseus", 400, { serverCpuPercent: 80, bytesPerClientPerS: 1000 }), // CPU per player ×1.9
      step("arena", "colyseus", 200, { serverCpuPercent: 20, bytesPerClientPerS: 2000 }),
      step("arena", "colyseus", 1000, { serverCpuPercent: 100, bytesPerClientPerS: 10_000 }), // bytes per player ×5
    ];
    const costs = stepCosts(steps);
    assert.deepEqual(costs[0], { cpuMsPerPlayerS: 1, bytesPerPlayerS: 1000, cpuGrowth: null, bytesGrowth: null, superlinear: [] });
    assert.deepEqual(costs[1].superlinear, []);
    assert.deepEqual({ cpu: costs[2].cpuGrowth, flagged: costs[2].superlinear }, { cpu: 1.9, flagged: ["cpu"] });
    assert.deepEqual({ bytes: costs[4].bytesGrowth, flagged: costs[4].superlinear }, { bytes: 5, flagged: ["bytes"] });
    const flags = growthFlags(steps);
    assert.equal(flags.length, 2);
    assert.match(flags[0], /^rooms \(colyseus\) at 400 players: CPU per player-second ×1\.9/);
    assert.match(markdown(results(steps)), /\| \*\*CPU ×1\.9\*\*, B ×0\.95 \|/);
  });

  it("compares nothing across servers or scenarios, and leaves a step without CPU unflagged", () => {
    const costs = stepCosts([step("arena", "baseline", 200), step("arena", "colyseus", 1000, { serverCpuPercent: null })]);
    assert.deepEqual(costs.map((c) => c.cpuGrowth), [null, null]);
    assert.equal(costs[1].cpuMsPerPlayerS, null);
  });
});

describe("bench: chart", () => {
  it("draws every series of a one-step run as a visible marker with its own colour and shape per server", () => {
    const run = results([step("arena", "colyseus", 200), step("arena", "interest", 200), step("arena", "baseline", 200), step("rooms", "colyseus", 160)]);
    const sets = chartConfig(run, "t", "y", (r) => r.serverCpuPercent).data.datasets;
    assert.equal(sets.length, 4);
    for (const s of sets) assert.ok(Number(s.pointRadius) >= 4, `${s.label} has a marker`);
    assert.equal(new Set(sets.map((s) => s.borderColor)).size, 4, "a colour per series");
    assert.equal(new Set(sets.slice(0, 3).map((s) => s.pointStyle)).size, 3, "a marker shape per server");
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryKbPerPlayer, percentiles, processCpuSeconds, processRssBytes } from "../../loadtest/bench/measure";
import { cpuRatio, goalChecks, type BenchResults, type StepResult } from "../../loadtest/bench/report";
import { ROOT } from "../helpers/paths";

/** The quick bench with the soak must finish in under 2.5 minutes; the test allows more on a busy machine. */
const QUICK_BENCH_TIMEOUT_MS = 240_000;

describe("bench: measuring helpers", () => {
  it("gives nearest-rank percentiles and null without samples", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    assert.deepEqual(percentiles(samples), { count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    assert.equal(percentiles([]), null);
  });

  it("reads CPU seconds and RSS of a process from /proc", () => {
    assert.ok(processCpuSeconds(process.pid) > 0);
    const rss = processRssBytes(process.pid);
    assert.ok(Math.abs(rss - process.memoryUsage().rss) < 64 * 2 ** 20, `RSS ${rss} far from ${process.memoryUsage().rss}`);
  });

  it("splits what each player added to RSS into live JS, V8's free space, external and native memory", () => {
    const MB = 2 ** 20;
    const idle = { rss: 100 * MB, heapUsed: 10 * MB, heapTotal: 20 * MB, external: 2 * MB, arrayBuffers: 1 * MB };
    const end = { rss: 200 * MB, heapUsed: 30 * MB, heapTotal: 60 * MB, external: 12 * MB, arrayBuffers: 6 * MB };
    // 1024 players: each MB of growth is 1 KB per player; native is RSS outside the heap and external (50 MB).
    assert.deepEqual(memoryKbPerPlayer(idle, end, 1024), { heapUsed: 20, heapTotal: 40, external: 10, arrayBuffers: 5, native: 50 });
    assert.equal(memoryKbPerPlayer(undefined, end, 1024), null);
    assert.equal(memoryKbPerPlayer(idle, end, 0), null);
  });

  it("says by how much a goal is missed and divides our CPU by the baseline's", () => {
    const step = (target: "colyseus" | "baseline", cpu: number, p99: number): StepResult =>
      ({ scenario: "arena", target, players: 1000, connected: 1000, joinFailures: 0, drops: 0, serverCpuPercent: cpu,
        ackLatencyMs: { count: 10, p50: 1, p95: 1, p99, max: p99 }, chatLatencyMs: null, bytesPerMovedPlayerPerPatch: 12,
        rssKbPerPlayer: 10 }) as StepResult;
    const results = { steps: [step("colyseus", 60, 250), step("baseline", 20, 40)] } as BenchResults;
    const checks = goalChecks(results);
    assert.deepEqual(checks[0], { goal: "arena: 1000 players at p99 ≤ 100 ms", measured: "p99 250 ms (2.5× the limit)", met: false });
    const line = (start: string) => checks.find((c) => c.goal.startsWith(start))!;
    assert.equal(line("≤ 10 bytes").measured, "worst 12 B (1.2× the limit)");
    assert.equal(line("≤ 20 KB RSS").met, true);
    assert.equal(cpuRatio(results, results.steps[0]), 3);
  });
});

describe("bench: npm run bench -- --quick", function () {
  this.timeout(QUICK_BENCH_TIMEOUT_MS + 10_000);
  const out = mkdtempSync(join(tmpdir(), "bench-"));
  let results: BenchResults;
  after(() => rmSync(out, { recursive: true, force: true }));

  before(async () => {
    const bench = spawn(process.execPath, ["--import", "tsx", "loadtest/bench/main.ts", "--quick", "--scenarios", "arena,rooms,chat,soak", "--out", out], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    bench.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => bench.kill("SIGKILL"), QUICK_BENCH_TIMEOUT_MS);
    const [code] = await once(bench, "exit");
    clearTimeout(timer);
    assert.equal(code, 0, `bench exited with ${code}: ${stderr.slice(-2000)}`);
    results = JSON.parse(readFileSync(join(out, "quick.json"), "utf8"));
  });

  it("writes a markdown table and a PNG chart beside the JSON", () => {
    const md = readFileSync(join(out, "quick.md"), "utf8");
    assert.match(md, /\| scenario \| server \| players \|/);
    assert.match(md, /## Goals/);
    const png = readFileSync(join(out, "quick.png"));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it("runs every scenario on our server and on the baseline, the arena also with interest management on, and every player joins and stays", () => {
    for (const scenario of ["arena", "rooms", "chat"]) {
      for (const target of ["colyseus", "baseline", ...(scenario === "arena" ? ["interest"] : [])]) {
        assert.ok(results.steps.some((r) => r.scenario === scenario && r.target === target), `${scenario} on ${target}`);
      }
    }
    for (const r of results.steps) {
      assert.equal(r.joined, r.players, `${r.scenario}/${r.target}/${r.players}: ${r.firstJoinError}`);
      assert.equal(r.joinFailures, 0);
      assert.equal(r.drops, 0);
    }
  });

  it("measures sane numbers in every step", () => {
    for (const r of results.steps) {
      const where = `${r.scenario}/${r.target}/${r.players}`;
      assert.ok(r.serverCpuPercent! > 0 && r.serverCpuPercent! < 200, `${where} server CPU ${r.serverCpuPercent}`);
      assert.ok(r.botsCpuPercent > 0, `${where} bots CPU`);
      assert.ok(r.serverRssMb! > 10, `${where} RSS ${r.serverRssMb}`);
      assert.ok(r.bytesPerClientPerS > 0, `${where} bytes per client`);
      assert.ok(r.loopLagP99Ms !== null && r.loopLagP99Ms >= 0, `${where} loop lag`);
      const latency = r.scenario === "chat" ? r.chatLatencyMs : r.ackLatencyMs;
      assert.ok(latency && latency.count > 0, `${where} has latency samples`);
      // Generous bounds: the machine is shared; these catch a broken measurement, not a slow run.
      assert.ok(latency.p50 > 0 && latency.p99 >= latency.p50 && latency.p99 < 5000, `${where} latency ${JSON.stringify(latency)}`);
      if (r.scenario !== "chat") {
        assert.ok(r.patchesPerS! > 2 && r.patchesPerS! <= 21, `${where} patch rate ${r.patchesPerS}`);
        assert.ok(r.bytesPerMovedPlayerPerPatch! >= 5 && r.bytesPerMovedPlayerPerPatch! < 40, `${where} ${r.bytesPerMovedPlayerPerPatch} B/moved player`);
      }
      if (r.target === "colyseus" && r.scenario !== "soak") assert.ok(cpuRatio(results, r)! > 0, `${where} CPU ratio to the baseline`);
    }
  });

  it("soaks the arena with interest management on, audited by walking decoding probes: no ghosts, missing, stale or decode errors", () => {
    const soak = results.steps.find((r) => r.scenario === "soak");
    assert.ok(soak?.audit, `the soak ran and its audit answered: ${JSON.stringify(soak)}`);
    assert.ok(soak.audit.checked > 100, `${soak.audit.checked} probe patches checked`);
    assert.deepEqual(
      { ghosts: soak.audit.ghosts, missing: soak.audit.missing, stale: soak.audit.stale, decodeErrors: soak.audit.decodeErrors },
      { ghosts: 0, missing: 0, stale: 0, decodeErrors: 0 },
    );
  });
});

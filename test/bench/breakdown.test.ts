import assert from "node:assert/strict";
import { breakdown, categoryOf, sideBySide } from "../../loadtest/bench/breakdown";

describe("bench: profile breakdown against the baseline", () => {
  it("puts each frame in its kind of work: socket writes, GC, Colyseus, our guards, the shared rules, the baseline's own code", () => {
    assert.equal(categoryOf("writev", ""), "socket writes (writev)");
    assert.equal(categoryOf("(garbage collector)", ""), "GC");
    assert.equal(categoryOf("(idle)", ""), "idle");
    assert.equal(categoryOf("_onMessage", "file:///w/node_modules/@colyseus/core/build/Room.js"), "Colyseus core (dispatch, patch loop, clock)");
    assert.equal(categoryOf("set", "file:///w/node_modules/@colyseus/schema/build/index.js"), "schema encode");
    assert.equal(categoryOf("setValue", "file:///w/node_modules/prom-client/lib/counter.js"), "telemetry (prom-client, wire meter)");
    assert.equal(categoryOf("admit", "file:///w/server/security/rateLimit.ts"), "registrar and rate buckets");
    assert.equal(categoryOf("socket.emit", "file:///w/server/security/wireSocket.ts"), "wire guard and front door");
    assert.equal(categoryOf("stepQueue", "file:///w/server/shared/game.ts"), "game rules and parsers (shared with the baseline)");
    assert.equal(categoryOf("tick", "file:///w/loadtest/bench/baseline.ts"), "baseline's own code");
    assert.equal(categoryOf("emit", "node:events"), "Node internals (streams, events)");
  });

  // Two seconds of 10 ms samples: 1 s idle, then writev, GC and the tick in 2:1:1 (the profiler's clock is monotonic µs).
  const frame = (id: number, functionName: string, url = "") => ({ id, callFrame: { functionName, url, lineNumber: 0 } });
  const nodes = [frame(1, "(idle)"), frame(2, "writev"), frame(3, "(garbage collector)"), frame(4, "tick", "file:///w/server/rooms/BattleRoom.ts")];
  const samples = [...Array(100).fill(1), ...Array.from({ length: 100 }, (_, i) => [2, 2, 3, 4][i % 4])];
  const profile = { nodes, startTime: 1_000_000, samples, timeDeltas: samples.map(() => 10_000) };

  it("scales each kind's share of the busy samples in the window to the CPU the process used", () => {
    const b = breakdown(profile, [1_000_000, 3_000_000], 40);
    assert.deepEqual(b, { busy: 40, percent: { "socket writes (writev)": 20, GC: 10, "rooms (handlers, tick)": 10 } });
    // A window over the idle second only has no busy samples to share out.
    assert.deepEqual(breakdown(profile, [1_000_000, 2_000_000], 5).percent, {});
  });

  it("prints ours against the baseline with the difference and the ratio", () => {
    const ours = breakdown(profile, [1_000_000, 3_000_000], 40);
    const base = { busy: 20, percent: { "socket writes (writev)": 20 } };
    const text = sideBySide(200, ours, base);
    assert.match(text, /ours 40 %, baseline 20 % of one core \(2\.00×\); CPU ms per player-second: ours 2\.000, baseline 1\.000/);
    assert.match(text, /\| socket writes \(writev\) \| 20\.0 \| 20\.0 \| \+0\.0 \|/);
    assert.match(text, /\| GC \| 10\.0 \| – \| \+10\.0 \|/);
  });
});

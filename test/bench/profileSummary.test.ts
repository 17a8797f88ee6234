import assert from "node:assert/strict";
import { summarize } from "../../loadtest/bench/profileSummary";

describe("bench: CPU profile summary", () => {
  // Three functions; the join phase (first 2 s) is all `join`, the last 2 s split between `tick` and `writev`.
  const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 9 } });
  const nodes = [frame(1, "join", "file:///work/main/server/rooms/BattleRoom.ts"), frame(2, "tick", "/x/node_modules/@colyseus/core/build/Room.js"), frame(3, "writev", "")];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const sample = (id: number, us: number) => (samples.push(id), timeDeltas.push(us));
  for (let i = 0; i < 20; i++) sample(1, 100_000);
  for (let i = 0; i < 20; i++) sample(i % 4 === 0 ? 3 : 2, 100_000);
  for (let i = 0; i < 5; i++) sample(1, 100_000); // the shutdown's half second, never counted
  const profile = { nodes, startTime: 0, samples, timeDeltas };

  it("gives self time per function and per package over the last seconds only", () => {
    const text = summarize(profile, 2, 10);
    assert.match(text, /last 2 s before shutdown: 2\.0 s of samples/);
    assert.match(text, /75\.0 %  tick @colyseus\/core:10/);
    assert.match(text, /25\.0 %  writev\n/);
    assert.doesNotMatch(text, /join/);
  });

  it("gives the whole profile without a window, project files by path and without compiled line numbers", () => {
    const text = summarize(profile, undefined, 10);
    assert.match(text, /whole profile: 4\.0 s of samples/);
    assert.match(text, /50\.0 %  join server\/rooms\/BattleRoom\.ts\n/);
  });
});

/** How processes share the work: REDIS_URL and PUBLIC_ADDRESS read, and where a new room goes. */
import assert from "node:assert/strict";
import { readScalingConfig } from "../../server/config/scaling";
import { RecentPlacements, pickProcess } from "../../server/scaling/placement";

describe("scaling config from the environment", () => {
  it("runs one process in memory without REDIS_URL", () => {
    assert.deepEqual(readScalingConfig({}), { mode: "single" });
    assert.deepEqual(readScalingConfig({ REDIS_URL: "  " }), { mode: "single" });
  });

  it("uses Redis with REDIS_URL and this process's PUBLIC_ADDRESS", () => {
    assert.deepEqual(readScalingConfig({ REDIS_URL: "redis://127.0.0.1:6379/2", PUBLIC_ADDRESS: "10.0.0.5:2568" }), {
      mode: "redis",
      redisUrl: "redis://127.0.0.1:6379/2",
      publicAddress: "10.0.0.5:2568",
    });
    assert.equal(readScalingConfig({ REDIS_URL: "rediss://h", PUBLIC_ADDRESS: "game.example.com/p2568" }).mode, "redis");
  });

  it("refuses bad values with a one-line reason naming the variable", () => {
    for (const [env, reason] of [
      [{ REDIS_URL: "redis://x" }, /PUBLIC_ADDRESS is required/],
      [{ REDIS_URL: "localhost:6379", PUBLIC_ADDRESS: "h:1" }, /REDIS_URL must be a redis:\/\//],
      [{ REDIS_URL: "http://x", PUBLIC_ADDRESS: "h:1" }, /REDIS_URL must be/],
      [{ REDIS_URL: "redis://x", PUBLIC_ADDRESS: "ws://h:1" }, /PUBLIC_ADDRESS must look like/],
      [{ REDIS_URL: "redis://x", PUBLIC_ADDRESS: "h:1/" }, /PUBLIC_ADDRESS must look like/],
      [{ PUBLIC_ADDRESS: "h 1" }, /PUBLIC_ADDRESS must look like/],
    ] as [NodeJS.ProcessEnv, RegExp][]) {
      assert.throws(() => readScalingConfig(env), (error: Error) => reason.test(error.message) && !error.message.includes("\n"));
    }
  });
});

describe("room placement", () => {
  const load = (processId: string, ccu: number, roomCount: number) => ({ processId, ccu, roomCount });

  it("puts a new room on the process with the fewest clients, then the fewest rooms", () => {
    assert.equal(pickProcess([load("a", 40, 2), load("b", 10, 9), load("c", 30, 1)], () => 0), "b");
    assert.equal(pickProcess([load("a", 10, 3), load("b", 10, 2)], () => 0), "b");
  });

  it("spreads ties at random instead of piling them on the first process", () => {
    const loads = [load("a", 0, 0), load("b", 0, 0), load("c", 0, 0)];
    assert.deepEqual([0, 0.4, 0.99].map((r) => pickProcess(loads, () => r)), ["a", "b", "c"]);
  });

  it("knows no process when there are no stats", () => {
    assert.equal(pickProcess([], () => 0), undefined);
  });

  it("counts its own recent placements so a burst alternates while published stats lag", () => {
    const recent = new RecentPlacements(2000);
    const stale = [load("a", 0, 0), load("b", 0, 0)];
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) {
      const pick = pickProcess(recent.adjust(stale, 1000 + i), () => 0)!;
      recent.record(pick, 1000 + i);
      picks.push(pick);
    }
    assert.deepEqual(picks, ["a", "b", "a", "b", "a", "b"]);
    // A process with a few more clients gets none until the placements have evened the counts out.
    const uneven = new RecentPlacements(2000);
    const picksUneven: string[] = [];
    for (let i = 0; i < 7; i++) {
      const pick = pickProcess(uneven.adjust([load("a", 0, 0), load("b", 3, 1)], 1000 + i), () => 0)!;
      uneven.record(pick, 1000 + i);
      picksUneven.push(pick);
    }
    assert.deepEqual(picksUneven, ["a", "a", "a", "b", "a", "b", "a"]);
    // Once the window has passed, the published stats are trusted again.
    assert.deepEqual(recent.adjust(stale, 4000), stale);
  });
});

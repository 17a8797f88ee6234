import assert from "node:assert/strict";
import { CatchUp } from "../../server/chat/catchUp";
import { readScalingConfig } from "../../server/config/scaling";
import { RecentPlacements, pickProcess } from "../../server/scaling/placement";
import { parseChatOptions, parseResume } from "../../server/shared/parse";
import type { ChatLine } from "../../server/shared/protocol";

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

describe("chat catch-up", () => {
  const line = (id: number): ChatLine => ({ id, kind: "user", name: "n", sessionId: "s", playerId: "p", text: `l${id}`, time: 0 });
  const ids = (lines: ChatLine[]) => lines.map((l) => l.id);

  it("buffers live lines while held, then hands out history and the newer buffered lines once", () => {
    const catchUp = new CatchUp(10);
    catchUp.hold("ann");
    assert.deepEqual([...catchUp.skipFor(line(6))], ["ann"]);
    assert.deepEqual([...catchUp.skipFor(line(7))], ["ann"]);
    // History read at Redis already had 6 and 7 (and 8, whose live copy has not arrived yet).
    const out = catchUp.release("ann", 4, [line(5), line(6), line(7), line(8)]);
    assert.deepEqual(ids(out.history), [5, 6, 7, 8]);
    assert.deepEqual(ids(out.live), []);
    assert.ok(catchUp.skipFor(line(8)).has("ann"), "8 came with the history: not again");
    assert.equal(catchUp.skipFor(line(9)).size, 0, "9 is new: broadcast");
  });

  it("sends buffered lines the history read missed after it", () => {
    const catchUp = new CatchUp(10);
    catchUp.hold("ann");
    catchUp.skipFor(line(3));
    catchUp.skipFor(line(4));
    const out = catchUp.release("ann", 1, [line(2), line(3)]);
    assert.deepEqual(ids(out.history), [2, 3]);
    assert.deepEqual(ids(out.live), [4]);
    assert.equal(catchUp.skipFor(line(5)).size, 0);
  });

  it("does not mute new lines for a member whose `since` is ahead of the channel", () => {
    const catchUp = new CatchUp(10);
    catchUp.hold("ann");
    const out = catchUp.release("ann", 500, []);
    assert.deepEqual([...ids(out.history), ...ids(out.live)], []);
    assert.equal(catchUp.skipFor(line(1)).size, 0);
  });

  it("holds at most the buffer limit and forgets a member who leaves", () => {
    const catchUp = new CatchUp(2);
    catchUp.hold("ann");
    for (const id of [1, 2, 3]) catchUp.skipFor(line(id));
    assert.deepEqual(ids(catchUp.release("ann", 0, []).live), [2, 3]);
    catchUp.hold("ben");
    catchUp.forget("ben");
    assert.equal(catchUp.isHeld("ben"), false);
    assert.equal(catchUp.skipFor(line(4)).size, 0);
  });
});

describe("parsing: chat resume", () => {
  it("accepts the last line id seen in join options and in resume", () => {
    assert.deepEqual(parseChatOptions({ channel: "c", since: 41 }), { ok: true, value: { channel: "c", name: undefined, since: 41, ticket: undefined } });
    assert.deepEqual(parseResume({ since: 0 }), { ok: true, value: { since: 0 } });
  });

  it("refuses ids that are not whole numbers from 0", () => {
    for (const since of [-1, 1.5, "3", null, Number.NaN, Infinity, 2 ** 60]) {
      assert.equal(parseChatOptions({ channel: "c", since }).ok, false, String(since));
      assert.equal(parseResume({ since }).ok, false, String(since));
    }
    assert.equal(parseResume({}).ok, false);
    assert.equal(parseResume({ since: 1, extra: 1 }).ok, false);
  });
});

/** The client's region choice without a browser (client/regions.ts). */
import assert from "node:assert/strict";
import { choose, measureAll, measureRegion, median, missing, nextBest, parseRegions, ranked, type Measured } from "../../client/regions";
import { PING_DEADLINE_MS } from "../../server/shared/regions";

/** A fake pinger: each ping to a host answers its next round trip; a host missing from `rtts` never answers. */
function network(rtts: Record<string, number | number[]>) {
  const calls: string[] = [];
  const ping = async (url: string) => {
    calls.push(url);
    const host = new URL(url).hostname;
    const rtt = rtts[host];
    if (rtt === undefined) throw new TypeError("Failed to fetch");
    const list = Array.isArray(rtt) ? rtt : [rtt];
    return list[(calls.filter((call) => new URL(call).hostname === host).length - 1) % list.length]!;
  };
  return { ping, calls };
}

const region = (id: string, rttMs: number | null): Measured => ({ id, url: `https://${id}.example`, rttMs });

describe("client regions", () => {
  it("reads the region list, leaving out anything malformed", () => {
    assert.deepEqual(parseRegions([{ id: "eu", url: "https://eu.example/" }, { id: "us", url: "http://us.example:8080" }]), [
      { id: "eu", url: "https://eu.example" },
      { id: "us", url: "http://us.example:8080" },
    ]);
    assert.deepEqual(parseRegions({ eu: "https://eu.example" }), []);
    assert.deepEqual(parseRegions([{ id: "EU", url: "https://eu.example" }, { id: "x", url: "javascript:alert(1)" }, { id: "y" }, null, { id: "eu", url: "https://a" }, { id: "eu", url: "https://b" }]), [{ id: "eu", url: "https://a" }]);
  });

  it("takes the median of the samples after the first, which pays for the connection", async () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    const net = network({ "eu.example": [300, 20, 24, 22] });
    assert.equal(await measureRegion("https://eu.example", net.ping, new AbortController().signal), 22);
    assert.deepEqual(net.calls, Array(4).fill("https://eu.example/ping"), "four samples, one after another, on /ping");
  });

  it("marks a region that does not answer, or answers only the first sample", async () => {
    const silent = network({});
    assert.equal(await measureRegion("https://asia.example", silent.ping, new AbortController().signal), null);
    let answered = 0;
    const once = async () => (answered++ === 0 ? 30 : null);
    assert.equal(await measureRegion("https://eu.example", once, new AbortController().signal), null);
  });

  it("stops sampling at the deadline and keeps what answered", async () => {
    const deadline = new AbortController();
    let n = 0;
    const slow = async () => {
      if (++n === 3) deadline.abort();
      return 10 * n;
    };
    assert.equal(await measureRegion("https://eu.example", slow, deadline.signal), 25);
    assert.equal(n, 3, "no sample after the deadline");
  });

  it("measures every region in parallel within the deadline", async () => {
    const started = performance.now();
    const hang = (_url: string, signal: AbortSignal) => new Promise<number>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
    const measured = await measureAll([{ id: "eu", url: "https://eu.example" }, { id: "us", url: "https://us.example" }], hang, 100);
    assert.deepEqual(measured.map((r) => r.rttMs), [null, null]);
    assert.ok(performance.now() - started < PING_DEADLINE_MS, "over at the deadline, not later");
  });

  it("picks the player's pick when it answered, else the nearest; the unanswered rank last", () => {
    const measured = [region("us", 150), region("asia", null), region("eu", 20)];
    assert.deepEqual(ranked(measured).map((r) => r.id), ["eu", "us", "asia"]);
    assert.equal(choose(measured, null)?.id, "eu");
    assert.equal(choose(measured, "us")?.id, "us");
    assert.equal(choose(measured, "asia")?.id, "eu", "a pick that does not answer is skipped");
    assert.equal(choose(measured, "mars")?.id, "eu");
    assert.equal(choose([region("eu", null)], null), undefined);
  });

  it("moves a join to the next best region that answered, and runs out", () => {
    const measured = [region("us", 150), region("asia", null), region("eu", 20), region("sa", 200)];
    assert.equal(nextBest(measured, new Set(["eu"]))?.id, "us");
    assert.equal(nextBest(measured, new Set(["eu", "us"]))?.id, "sa");
    assert.equal(nextBest(measured, new Set(["eu", "us", "sa"])), undefined);
  });

  it("says when the usual region (picked, or last played in) is not answering and another was chosen", () => {
    const measured = [region("us", null), region("eu", 20)];
    const eu = measured[1];
    assert.equal(missing(measured, eu, null, "us")?.id, "us", "the last region");
    assert.equal(missing(measured, eu, "us", "eu")?.id, "us", "the pick");
    assert.equal(missing(measured, eu, null, "eu"), undefined, "the usual region is in use");
    assert.equal(missing(measured, eu, null, null), undefined, "a first visit");
    assert.equal(missing([region("us", 150), region("eu", 20)], eu, null, "us"), undefined, "us answered: nearer eu is simply better");
  });
});

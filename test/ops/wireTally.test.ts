/**
 * The wire meter counts in plain numbers and hands them to prom-client at each scrape: what /metrics
 * serves must be what a prom-client call per message and per frame would have served. The histogram
 * is filled through prom-client's internal store (pinned at 15.1.3): this fails if that changes.
 */
import assert from "node:assert/strict";
import { Counter, Histogram, Registry } from "prom-client";
import { PATCH_BYTE_BUCKETS, WireTally } from "../../server/telemetry/wireTally";

function pair() {
  const registry = new Registry();
  const tally = new WireTally(["websocket", "polling"] as const);
  const talliedPatches: Histogram = new Histogram({ name: "tallied", help: "h", buckets: [...PATCH_BYTE_BUCKETS], registers: [registry], collect: () => tally.flushPatches(talliedPatches) });
  const directPatches = new Histogram({ name: "direct", help: "h", buckets: [...PATCH_BYTE_BUCKETS], registers: [registry] });
  const talliedSent: Counter<"kind"> = new Counter({ name: "tallied_sent", help: "c", labelNames: ["kind"], registers: [registry], collect: () => tally.flushSent(talliedSent) });
  const directSent = new Counter({ name: "direct_sent", help: "c", labelNames: ["kind"], registers: [registry] });
  const talliedReceived: Counter<"room" | "type" | "transport"> = new Counter({
    name: "tallied_received", help: "c", labelNames: ["room", "type", "transport"], registers: [registry], collect: () => tally.flushReceived(talliedReceived),
  });
  const text = async (name: string) => (await registry.getSingleMetricAsString(name)).replace(/^# .*\n/gm, "").replace(new RegExp(name, "g"), "m");
  return { tally, directPatches, directSent, text };
}

describe("telemetry: the wire meter's tally", () => {
  it("serves the same patch histogram and byte counters as a prom-client call per frame, over several scrapes", async () => {
    const { tally, directPatches, directSent, text } = pair();
    const sizes = [1, 16, 17, 64, 300, 1024, 5000, 65536, 70_000, 9, 9, 2000];
    for (const [round, slice] of [sizes.slice(0, 5), sizes.slice(5)].entries()) {
      for (const size of slice) {
        tally.frameSent("patch", size);
        directPatches.observe(size);
        directSent.inc({ kind: "patch" }, size);
        tally.frameSent("message", round + 3);
        directSent.inc({ kind: "message" }, round + 3);
      }
      assert.equal(await text("tallied"), await text("direct"), `histogram after scrape ${round + 1}`);
      assert.equal(await text("tallied_sent"), await text("direct_sent"), `bytes after scrape ${round + 1}`);
    }
    assert.match(await text("tallied"), /m_count 12$/m);
  });

  it("counts messages by room, transport and type label, an unknown room under other, and serves only what arrived", async () => {
    const { tally, text } = pair();
    const battle = tally.receivedIn("battle");
    battle.websocket.move! += 3;
    battle.polling.other! += 1;
    tally.receivedIn("no such room").websocket.chat! += 2;
    const served = await text("tallied_received");
    assert.match(served, /m\{room="battle",type="move",transport="websocket"\} 3/);
    assert.match(served, /m\{room="battle",type="other",transport="polling"\} 1/);
    assert.match(served, /m\{room="other",type="chat",transport="websocket"\} 2/);
    assert.equal(served.trim().split("\n").length, 3);
  });
});

import assert from "node:assert/strict";
import { shortTargets, formatTable, loadScenarios, misses, runAbuseSuite, type AbuseResult } from "../abuse/suite";

describe("abuse suite (short run against a real server process)", function () {
  // Every scenario's short attack plus its setup, one after another, on a busy machine.
  this.timeout(240_000);
  let results: AbuseResult[];

  before(async () => {
    results = await runAbuseSuite({ short: true });
    if (process.env.ABUSE_TABLE === "1") console.log(formatTable(results));
  });

  it("runs every scenario in test/abuse/scenarios/ and the server outlives them all", () => {
    const names = loadScenarios().map((scenario) => scenario.name);
    assert.deepEqual(results.map((result) => result.name), ["baseline", ...names]);
    assert.equal(new Set(names).size, names.length, "scenario names are unique");
    assert.ok(results.every((result) => result.serverAlive), "server alive after every scenario");
  });

  it("stops every attacker while the honest players keep their patches, latency and chat lines", () => {
    const missed = results.flatMap((result) => misses(result, shortTargets(results)).map((miss) => `${result.name}: ${miss}`));
    assert.deepEqual(missed, [], formatTable(results));
  });
});

/**
 * `npm run abuse [-- --short] [--only slow-reader,never-acked-join]`: every abuse scenario against a
 * real server process, about 20 s each; prints the table and exits 1 when any attack costs the
 * honest players more than the targets allow (test/abuse/suite.ts TARGETS).
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { shortTargets, TARGETS, formatTable, misses, runAbuseSuite } from "./suite";

const { values } = parseArgs({ options: { short: { type: "boolean", default: false }, only: { type: "string" } } });
const short = values.short ?? false;
const only = values.only?.split(",").filter(Boolean);

async function main(): Promise<boolean> {
  const loadAtStart = loadavg().map((n) => n.toFixed(2)).join(" ");
  const results = await runAbuseSuite({ short, only });
  console.log(`\nabuse suite (${short ? "short" : "full"} run), load average at start ${loadAtStart}\n`);
  console.log(formatTable(results));
  let held = true;
  for (const result of results) {
    for (const miss of misses(result, short ? shortTargets(results) : TARGETS)) {
      held = false;
      console.log(`MISSED ${result.name}: ${miss}`);
    }
  }
  return held;
}

main().then(
  (held) => process.exit(held ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

/**
 * `npm run fuzz [-- --seed N --messages N --clients N --per-tick N]`: the fuzz suite, longer, on a
 * server of its own in this process. Exits 1 on any crash, invalid state or memory that stays grown.
 */
import { parseArgs } from "node:util";
// Same quiet defaults as under mocha (LOG_LEVEL, admin password, no shutdown grace, no REDIS_URL).
import "../helpers/env";
import { TestServer } from "../helpers/server";
import { formatFigures, fuzz } from "./engine";

/** Heap allowed to stay above its start after the run (rooms, caches, bounded histories). */
const HEAP_GROWTH_LIMIT_MB = 32;

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number above 0, got "${value}"`);
  return n;
}

async function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: "string", default: String(Date.now() % 2 ** 31) },
      messages: { type: "string", default: "50000" },
      clients: { type: "string", default: "6" },
      "per-tick": { type: "string", default: "3" },
    },
  });
  const server = new TestServer();
  await server.boot();
  try {
    const figures = await fuzz(server, {
      seed: positiveInt("seed", values.seed!),
      messages: positiveInt("messages", values.messages!),
      parserCalls: 10 * positiveInt("messages", values.messages!),
      clientsPerRoom: positiveInt("clients", values.clients!),
      joins: Math.ceil(positiveInt("messages", values.messages!) / 100),
      perTick: positiveInt("per-tick", values["per-tick"]!),
    });
    console.log(formatFigures(figures));
    const grown = figures.heapAfterMb - figures.heapBeforeMb;
    const failed = figures.crashes > 0 || figures.invalidStates > 0 || figures.problems.length > 0 || grown > HEAP_GROWTH_LIMIT_MB;
    console.log(failed ? "FUZZ FAILED" : "fuzz passed");
    process.exitCode = failed ? 1 : 0;
  } finally {
    await server.shutdown();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});

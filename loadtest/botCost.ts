/**
 * The CPU a server-side bot costs: one real battle room in this process, one human (a colyseus.js
 * client that stands still) and 0, 4, 8 or 15 bots (the `bots` create option), the room's tick
 * timed round each call: what the tick itself costs, bots thinking, their messages through the
 * guarded path, the step and the patch. A busy machine preempts some ticks, so the figure is the
 * median tick; the sizes run in turn, `--rounds` times, after one unmeasured round that warms the
 * JIT. Prints microseconds per tick and, against the room without bots, per bot per tick and the
 * share of one core per bot.
 *
 *   node --import tsx loadtest/botCost.ts [--fighters 1,5,9,16] [--ticks 400] [--rounds 3]
 */
import { boot } from "@colyseus/testing";
import { parseArgs } from "node:util";
import { createApp } from "../server/app.config";
import { readSettings } from "../server/config";
import type { BattleRoom } from "../server/rooms/BattleRoom";
import { PROTOCOL_VERSION, RoomName, TICK_RATE_HZ } from "../server/shared/protocol";

const { values: args } = parseArgs({ options: { fighters: { type: "string", default: "1,5,9,16" }, ticks: { type: "string", default: "400" }, rounds: { type: "string", default: "3" } } });
const WARMUP_TICKS = 40;
const PORT = 2800 + Math.floor(Math.random() * 1000);

/** Median microseconds of a tick of a battle filled up to `fighters` (one of them the human). */
async function cpuPerTick(server: Awaited<ReturnType<typeof boot>>, fighters: number, ticks: number): Promise<number> {
  const human = await server.sdk.create(RoomName.battle, { protocol: PROTOCOL_VERSION, bots: fighters, maxPlayers: 16 });
  human.onMessage("*", () => {});
  const room = server.getRoomById(human.roomId) as unknown as BattleRoom;
  const ticking = room as unknown as { tick(): void };
  const tick = ticking.tick.bind(room);
  let counted = 0;
  const micros: number[] = [];
  await new Promise<void>((done) => {
    // The room's interval calls `this.tick()`: this instance's own property takes its place.
    ticking.tick = () => {
      const before = performance.now();
      tick();
      const spent = performance.now() - before;
      if (++counted > WARMUP_TICKS) micros.push(spent * 1000);
      if (counted === WARMUP_TICKS + ticks) done();
    };
  });
  if (room.bots.size !== fighters - 1) throw new Error(`expected ${fighters - 1} bots, found ${room.bots.size}`);
  await human.leave();
  return micros.sort((a, b) => a - b)[Math.floor(micros.length / 2)]!;
}

async function main() {
  const settings = readSettings({ ...process.env, LOG_LEVEL: "error", ADMIN_PASSWORD: "bot-cost-admin", BOTS_FILL_TO: "0", RATE_LIMIT_SCALE: "1" });
  const server = await boot(createApp(settings).config, PORT);
  const ticks = Number(args.ticks);
  const sizes = args.fighters!.split(",").map(Number);
  for (const fighters of sizes) await cpuPerTick(server, fighters, WARMUP_TICKS);
  const runs = new Map<number, number[]>(sizes.map((n) => [n, []]));
  for (let round = 0; round < Number(args.rounds); round++) for (const fighters of sizes) runs.get(fighters)!.push(await cpuPerTick(server, fighters, ticks));
  // The median of the rounds' medians.
  const rows = sizes.map((n): [number, number] => [n, runs.get(n)!.sort((a, b) => a - b)[Math.floor(runs.get(n)!.length / 2)]!]);
  const [, alone] = rows[0]!;
  console.log(`| fighters (1 human + bots) | µs per tick (median) | per bot per tick | one core per bot |`);
  console.log(`|---|---|---|---|`);
  for (const [fighters, micros] of rows) {
    const bots = fighters - 1;
    const perBot = bots > 0 ? (micros - alone) / bots : 0;
    const core = (perBot * TICK_RATE_HZ) / 1e6;
    console.log(`| ${fighters} | ${micros.toFixed(0)} | ${bots > 0 ? `${perBot.toFixed(1)} µs` : "–"} | ${bots > 0 ? `${(core * 100).toFixed(3)} %` : "–"} |`);
  }
  await server.shutdown();
}

void main().then(() => process.exit(0));

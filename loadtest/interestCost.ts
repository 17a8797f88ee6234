/**
 * The CPU cost of the battle room's patches, in one process and without sockets: a battle state of N
 * players on the arena map of N seats, moving like the bench's arena bots, patched every tick by the
 * room's own serializer (server/rooms/interestViews.ts) to N clients that only count bytes, once with
 * interest management off (one shared patch plus each client's ack) and once on (cell views).
 * Prints milliseconds per tick and patch bytes per client per second.
 *
 *   node --import tsx loadtest/interestCost.ts [--players 500,1000,2000] [--ticks 200]
 */
import { ClientState, type Client, type Room } from "@colyseus/core";
import { Encoder } from "@colyseus/schema";
import { parseArgs } from "node:util";
import { InterestViews } from "../server/rooms/interestViews";
import { BattleState, Player } from "../server/rooms/schema/BattleState";
import { arenaSize } from "../server/shared/arena";
import { pickSpawn, seededRng, stepMove } from "../server/shared/game";
import { STATE_BUFFER_BYTES, TICK_RATE_HZ } from "../server/shared/protocol";
import { MOVE_EVERY_MS, TURN_EVERY_MS } from "./bench/plan";

const { values: args } = parseArgs({ options: { players: { type: "string", default: "500,1000,2000" }, ticks: { type: "string", default: "200" } } });
const WARMUP_TICKS = 40;
/** The bench's bots move every MOVE_EVERY_MS and turn every TURN_EVERY_MS: the chance per tick of each. */
const MOVE_CHANCE = 1000 / TICK_RATE_HZ / MOVE_EVERY_MS;
const TURN_CHANCE = 1000 / TICK_RATE_HZ / TURN_EVERY_MS;

function run(players: number, ticks: number, interest: boolean) {
  Encoder.BUFFER_SIZE = STATE_BUFFER_BYTES;
  const rng = seededRng(players);
  const state = new BattleState();
  Object.assign(state, arenaSize(players));
  const room = { state, _serializer: { encoder: new Encoder(state) }, setSerializer(s: unknown) { this._serializer = s as never; } };
  const views = new InterestViews(room as unknown as Room<BattleState>, interest);
  const serializer = room._serializer as unknown as { applyPatches(clients: Client[]): boolean; getFullState(client: Client): Buffer };
  let bytes = 0;
  const clients: Client[] = [];
  const dirs = new Map<string, { dx: number; dy: number }>();
  for (let i = 0; i < players; i++) {
    const sessionId = `p${i}`;
    const player = new Player();
    player.name = `Bot${i}`;
    player.hp = 100;
    Object.assign(player, pickSpawn(rng, [], state));
    state.players.set(sessionId, player);
    views.join(sessionId, player);
    const client = { sessionId, state: ClientState.JOINED, raw: (data: Buffer) => (bytes += data.byteLength) } as unknown as Client;
    clients.push(client);
    dirs.set(sessionId, { dx: 0, dy: 0 });
  }
  serializer.applyPatches(clients);

  let ms = 0;
  bytes = 0;
  for (let tick = 0; tick < WARMUP_TICKS + ticks; tick++) {
    if (tick === WARMUP_TICKS) (ms = 0), (bytes = 0);
    state.tick += 1;
    for (const [id, player] of state.players) {
      const dir = dirs.get(id)!;
      if (rng() < TURN_CHANCE) Object.assign(dir, rng() < 0.2 ? { dx: 0, dy: 0 } : { dx: rng() * 2 - 1, dy: rng() * 2 - 1 });
      if (rng() >= MOVE_CHANCE) continue;
      const next = stepMove(player, dir, state);
      player.x = next.x;
      player.y = next.y;
      player.lastInput += 1;
    }
    const t0 = performance.now();
    serializer.applyPatches(clients);
    ms += performance.now() - t0;
  }
  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    players,
    interest,
    map: `${state.width}x${state.height}`,
    patchMsPerTick: round(ms / ticks),
    cpuPercentOfCoreAt20Hz: round((ms / ticks / (1000 / TICK_RATE_HZ)) * 100, 1),
    patchBytesPerClientPerS: Math.round((bytes / ticks / players) * TICK_RATE_HZ),
  };
}

const ticks = Number(args.ticks);
for (const players of args.players.split(",").map(Number)) {
  for (const interest of [false, true]) console.log(JSON.stringify(run(players, ticks, interest)));
}

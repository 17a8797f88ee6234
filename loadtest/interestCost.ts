/**
 * The CPU cost of interest management, in one process and without sockets: a battle state of N
 * players moving like the bench's arena bots, encoded per tick the way Colyseus 0.16's
 * SchemaSerializer.applyPatches does it, once without views (one shared patch for every client) and
 * once with a StateView per client (shared patch + one encodeView pass per client), the views kept
 * by the room's own InterestViews (with its fix of the views' buffer, see server/rooms/interest.ts;
 * `--unfixed` measures Colyseus's own way instead). Prints milliseconds per tick and patch bytes per client per second.
 *
 *   node --import tsx loadtest/interestCost.ts [--players 500,1000] [--ticks 200] [--unfixed]
 */
import type { Client, Room } from "@colyseus/core";
import { Encoder, StateView } from "@colyseus/schema";
import { parseArgs } from "node:util";
import { InterestViews } from "../server/rooms/interest";
import { createBattleState, createPlayer, type BattleState } from "../server/rooms/schema/BattleState";
import { pickSpawn, seededRng, stepMove } from "../server/shared/game";
import { MAP_HEIGHT, MAP_WIDTH, STATE_BUFFER_BYTES, TICK_RATE_HZ } from "../server/shared/protocol";
import { MOVE_EVERY_MS, TURN_EVERY_MS } from "./bench/plan";

const { values: args } = parseArgs({ options: { players: { type: "string", default: "500,1000" }, ticks: { type: "string", default: "200" }, unfixed: { type: "boolean", default: false } } });
const WARMUP_TICKS = 40;
/** The bench's bots move every MOVE_EVERY_MS and turn every TURN_EVERY_MS: the chance per tick of each. */
const MOVE_CHANCE = 1000 / TICK_RATE_HZ / MOVE_EVERY_MS;
const TURN_CHANCE = 1000 / TICK_RATE_HZ / TURN_EVERY_MS;

interface Sample {
  interestMs: number;
  sharedMs: number;
  viewsMs: number;
  bytesPerClient: number;
}

function run(players: number, ticks: number, interest: boolean) {
  Encoder.BUFFER_SIZE = STATE_BUFFER_BYTES;
  const rng = seededRng(players);
  const state: BattleState = createBattleState(interest);
  state.width = MAP_WIDTH;
  state.height = MAP_HEIGHT;
  const encoder = new Encoder(state);
  const room = { state, _serializer: { encoder } } as unknown as Room<BattleState>;
  const colyseusEncodeView = encoder.encodeView;
  const views = interest ? new InterestViews(room) : null;
  if (args.unfixed) encoder.encodeView = colyseusEncodeView;
  const clients: Client[] = [];
  const dirs = new Map<string, { dx: number; dy: number }>();
  for (let i = 0; i < players; i++) {
    const sessionId = `p${i}`;
    const player = createPlayer(interest);
    player.name = `Bot${i}`;
    player.hp = 100;
    Object.assign(player, pickSpawn(rng, [], state));
    state.players.set(sessionId, player);
    const client = { sessionId, view: undefined as StateView | undefined } as unknown as Client;
    views?.join(client, player);
    clients.push(client);
    dirs.set(sessionId, { dx: 0, dy: 0 });
  }
  // Everyone has the full state before the first patch, as after their joins.
  encoder.encodeAll();
  encoder.discardChanges();
  for (const client of clients) client.view?.changes.clear();

  const samples: Sample[] = [];
  for (let tick = 0; tick < WARMUP_TICKS + ticks; tick++) {
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
    views?.update(clients);
    const t1 = performance.now();
    const it = { offset: 1 };
    const shared = encoder.encode(it);
    const t2 = performance.now();
    let bytes = 0;
    if (interest) {
      const sharedOffset = it.offset;
      for (const client of clients) bytes += encoder.encodeView(client.view!, sharedOffset, it).byteLength;
    } else {
      bytes = shared.byteLength * clients.length;
    }
    const t3 = performance.now();
    encoder.discardChanges();
    if (tick >= WARMUP_TICKS) samples.push({ interestMs: t1 - t0, sharedMs: t2 - t1, viewsMs: t3 - t2, bytesPerClient: bytes / clients.length });
  }
  const mean = (pick: (s: Sample) => number) => samples.reduce((sum, s) => sum + pick(s), 0) / samples.length;
  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    players,
    interest,
    interestUpdateMs: round(mean((s) => s.interestMs)),
    sharedEncodeMs: round(mean((s) => s.sharedMs)),
    perClientEncodeMs: round(mean((s) => s.viewsMs)),
    totalMsPerTick: round(mean((s) => s.interestMs + s.sharedMs + s.viewsMs)),
    patchBytesPerClientPerS: Math.round(mean((s) => s.bytesPerClient) * TICK_RATE_HZ),
  };
}

const ticks = Number(args.ticks);
for (const players of args.players.split(",").map(Number)) {
  for (const interest of [false, true]) console.log(JSON.stringify(run(players, ticks, interest)));
}

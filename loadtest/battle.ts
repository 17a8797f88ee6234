/**
 * Battle bots for @colyseus/loadtest: each joins a battle, changes direction a few times a second,
 * sends one `move` per tick and attacks when someone is in range and its cooldown is over.
 *
 *   npm run loadtest:battle -- --numClients 200 [--duration 60] [--endpoint ws://host:2567] [--output bots.log]
 */
import { cli, type Options } from "@colyseus/loadtest";
import { Client } from "colyseus.js";
import { asRoom, send } from "../client/rooms";
import { ATTACK_COOLDOWN_MS, ATTACK_RANGE, TICK_MS } from "../server/shared/tuning";
import { ClientMessage, ServerMessage, type JoinOptions } from "../server/shared/messages";
import { PROTOCOL_VERSION, RoomName } from "../server/shared/payloads";
import type { BattleState } from "../server/rooms/schema/BattleState";
import { startSession } from "./session";

/** A bot keeps a direction this long (random in the range), like a player tapping keys. */
const TURN_EVERY_MS = { min: 250, max: 750 };
/** Share of ticks a bot stands still instead of moving. */
const IDLE_SHARE = 0.2;

// --duration, and the server's figures at the end (./session.ts).
startSession();

const between = (min: number, max: number) => min + Math.random() * (max - min);

async function main(options: Options) {
  const client = new Client(options.endpoint);
  const join: JoinOptions["battle"] = { name: `bot${options.clientId}`, protocol: PROTOCOL_VERSION };
  // --room names the battle room type (the CLI requires it).
  const room = asRoom(RoomName.battle, await client.joinOrCreate<BattleState>(options.roomName, join));
  for (const type of Object.values(ServerMessage)) room.onMessage(type, () => {});

  let seq = 0;
  let dir = { dx: 0, dy: 0 };
  let turnAt = 0;
  let attackAt = 0;

  const tick = setInterval(() => {
    const now = Date.now();
    if (now >= turnAt) {
      const angle = Math.random() * 2 * Math.PI;
      dir = Math.random() < IDLE_SHARE ? { dx: 0, dy: 0 } : { dx: Math.cos(angle), dy: Math.sin(angle) };
      turnAt = now + between(TURN_EVERY_MS.min, TURN_EVERY_MS.max);
    }
    if (dir.dx !== 0 || dir.dy !== 0) {
      send(room, ClientMessage.move, { ...dir, seq: ++seq });
    }
    const me = room.state.players?.get(room.sessionId);
    if (me?.alive && now >= attackAt && someoneNear(room.state, room.sessionId, me.x, me.y)) {
      send(room, ClientMessage.attack, {});
      attackAt = now + ATTACK_COOLDOWN_MS;
    }
  }, TICK_MS);

  room.onLeave((code) => {
    clearInterval(tick);
    console.log(`${room.sessionId} left (${code})`);
  });
}

function someoneNear(state: BattleState, me: string, x: number, y: number): boolean {
  for (const [id, other] of state.players) {
    if (id !== me && other.alive && Math.hypot(other.x - x, other.y - y) <= ATTACK_RANGE) return true;
  }
  return false;
}

cli(main);

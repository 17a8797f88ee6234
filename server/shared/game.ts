/**
 * The battle rules as pure functions: no Colyseus, no DOM, no clock, no randomness of their own.
 * Time comes in as milliseconds and randomness as a seeded generator, so the server runs them for
 * authority, the bench's baseline runs the same tick, and the browser runs the very same
 * `applyMove` to predict.
 */
import {
  ATTACK_COOLDOWN_MS,
  ATTACK_DAMAGE,
  ATTACK_RANGE,
  MAX_HP,
  MAX_MOVES_PER_TICK,
  MOVE_BUDGET_RESERVE_MOVES,
  MOVE_CATCH_UP_MOVES,
  MOVE_QUEUE_BUFFER,
  MOVE_QUEUE_STANDING_TICKS,
  PLAYER_SPEED_PER_S,
  RESPAWN_DELAY_MS,
  SPAWN_CLEARANCE,
  MAX_QUEUED_MOVES,
  TICK_MS,
} from "./tuning";
import { RefusalCode, type Refusal } from "./codes";
import type { MovePayload } from "./payloads";
import type { Rng } from "./rng";

export { generateName, seededRng, type Rng } from "./rng";

export interface Point {
  x: number;
  y: number;
}
export interface MapSize {
  width: number;
  height: number;
}
export interface Direction {
  dx: number;
  dy: number;
}

/** The synchronised part of a fighter that the rules read and change (Player satisfies it). */
export interface Fighter extends Point {
  hp: number;
  alive: boolean;
  kills: number;
  deaths: number;
}

/** Largest distance one tick of movement covers. */
export const STEP_PER_TICK = (PLAYER_SPEED_PER_S * TICK_MS) / 1000;

/**
 * One tick of movement. The direction is scaled down to length 1 (never up), each component of
 * the step is truncated towards zero so positions stay whole units and a diagonal is never faster
 * than a straight line, and the result is clamped to the map.
 */
export function stepMove(from: Point, dir: Direction, map: MapSize): Point {
  const length = Math.hypot(dir.dx, dir.dy);
  const scale = length > 1 ? STEP_PER_TICK / length : STEP_PER_TICK;
  const x = from.x + Math.trunc(dir.dx * scale);
  const y = from.y + Math.trunc(dir.dy * scale);
  return { x: clamp(x, 0, map.width), y: clamp(y, 0, map.height) };
}

/** What a move reads and changes on a player: where it is and whether it lives. */
export interface Walker extends Point {
  alive: boolean;
}

/**
 * Applies one move. A dead player's move goes nowhere (and is still acknowledged, see stepQueue),
 * so the client's prediction, which runs this same function, stays in step across a death.
 */
export function applyMove(walker: Walker, move: MovePayload, map: MapSize): void {
  if (!walker.alive) return;
  const next = stepMove(walker, move, map);
  walker.x = next.x;
  walker.y = next.y;
}

/** Most real time a player may have banked for moves: a full catch-up plus its reserve. */
export const MOVE_BUDGET_MS = (MOVE_CATCH_UP_MOVES + MOVE_BUDGET_RESERVE_MOVES) * TICK_MS;

/** A player's waiting moves and its pace, kept by the server between ticks. */
export interface MoveQueue {
  /** Moves waiting for a tick, oldest first (the room refuses more than MAX_QUEUED_MOVES). */
  moves: MovePayload[];
  /** Real time the player may still spend on moves; each costs TICK_MS (at most MOVE_BUDGET_MS). */
  budgetMs: number;
  /** Clock time of the last step, in the same clock as `stepQueue`'s `clockMs`. */
  clockMs: number;
  /** seq of the last move applied, alive or dead: what the room acknowledges (Player.lastInput). */
  acked: number;
  /** Ticks in a row that ended with moves still queued. */
  standingTicks: number;
}

export function newMoveQueue(clockMs: number): MoveQueue {
  return { moves: [], budgetMs: MOVE_BUDGET_MS, clockMs, acked: 0, standingTicks: 0 };
}

/**
 * One tick of a player's queue. Applies the oldest move, and while the queue is deeper than
 * MOVE_QUEUE_BUFFER a second one (up to MAX_MOVES_PER_TICK), so a queue a stall filled drains
 * instead of delaying every later input; once the queue has ended MOVE_QUEUE_STANDING_TICKS ticks
 * in a row non-empty the buffer drains as well, so a client sending one move per tick gets back
 * to an empty queue after every tick (the at-rest depth) instead of one tick late for good. Every move costs TICK_MS of budget, which refills with
 * real elapsed time (not ticks: a stalled server skips ticks), so over any stretch of time a
 * player moves at most once per TICK_MS plus MOVE_CATCH_UP_MOVES: sending faster gains nothing.
 * Returns how many moves were applied.
 */
export function stepQueue(walker: Walker, queue: MoveQueue, clockMs: number, map: MapSize): number {
  queue.budgetMs = Math.min(MOVE_BUDGET_MS, queue.budgetMs + Math.max(0, clockMs - queue.clockMs));
  queue.clockMs = clockMs;
  const buffer = queue.standingTicks >= MOVE_QUEUE_STANDING_TICKS ? 0 : MOVE_QUEUE_BUFFER;
  let applied = 0;
  while (queue.moves.length > 0 && applied < MAX_MOVES_PER_TICK && queue.budgetMs >= TICK_MS) {
    if (applied > 0 && queue.moves.length <= buffer) break;
    const move = queue.moves.shift()!;
    applyMove(walker, move, map);
    queue.acked = move.seq;
    queue.budgetMs -= TICK_MS;
    applied += 1;
  }
  queue.standingTicks = queue.moves.length > 0 ? queue.standingTicks + 1 : 0;
  return applied;
}

/** Server-only bookkeeping of one player between ticks; never synchronised. */
export interface Pilot extends MoveQueue {
  /** Simulation time of the respawn while dead. */
  respawnAt: number;
  /** Highest move seq received, applied or queued (moveRefused refuses one not above it). */
  lastSeq: number;
  /** Simulation time from which the player may attack again. */
  nextAttackAt: number;
}

/** A seated player's pilot, its moves paced from `clockMs`. */
export function newPilot(clockMs: number): Pilot {
  return { ...newMoveQueue(clockMs), respawnAt: 0, lastSeq: 0, nextAttackAt: 0 };
}

/** The two clocks of a tick. */
export interface TickTime {
  /** Simulation time (tick × TICK_MS): what respawns and cooldowns count in. */
  simMs: number;
  /** Real time the room has run: what the move pace counts in. */
  clockMs: number;
}

/**
 * One tick of every player: its queued moves (stepQueue), then its respawn when due, at a spot
 * clear of the living. Changes the players and pilots in place.
 */
export function stepPlayers(seated: ReadonlyArray<readonly [Fighter, Pilot]>, time: TickTime, rng: Rng, map: MapSize): void {
  for (const [player, pilot] of seated) {
    stepQueue(player, pilot, time.clockMs, map);
    if (respawnDue(player, pilot.respawnAt, time.simMs)) {
      respawn(player, pickSpawn(rng, seated.map(([fighter]) => fighter), map));
    }
  }
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

export function distanceSquared(a: Point, b: Point): number {
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  return dx * dx + dy * dy;
}

export function inAttackRange(attacker: Point, target: Point): boolean {
  return distanceSquared(attacker, target) <= ATTACK_RANGE * ATTACK_RANGE;
}

/** When a fighter that attacks at `nowMs` may attack again. */
export function nextAttackAt(nowMs: number): number {
  return nowMs + ATTACK_COOLDOWN_MS;
}

/** Why a fighter may not attack at `nowMs` (dead, or cooling down); nothing when it may. */
export function attackBlocked(attacker: Fighter, nextAttackAtMs: number, nowMs: number): Refusal | undefined {
  if (!attacker.alive) return { ok: false, code: RefusalCode.dead, message: "you are dead" };
  if (nowMs < nextAttackAtMs) {
    return { ok: false, code: RefusalCode.cooldown, message: `attack is cooling down (${nextAttackAtMs - nowMs} ms left)` };
  }
  return undefined;
}

/**
 * Why a move numbered `seq` may not be queued behind `queued` others when the last one received was
 * `lastSeq`; nothing when it may: seqs only grow, and at most MAX_QUEUED_MOVES wait for a tick.
 */
export function moveRefused(seq: number, lastSeq: number, queued: number): Refusal | undefined {
  if (seq <= lastSeq) return { ok: false, code: RefusalCode.staleSeq, message: `move.seq must be larger than ${lastSeq}` };
  if (queued >= MAX_QUEUED_MOVES) return { ok: false, code: RefusalCode.moveQueueFull, message: "too many moves queued: send one per tick" };
  return undefined;
}

export interface AttackOutcome<Id> {
  /** Targets that lost HP, in the order given. */
  hits: Id[];
  /** Targets that died from this attack. */
  killed: Id[];
}

/**
 * Where a target counts as standing for an attack; null: it cannot be hit. The default is where it
 * stands now; lag compensation (server/shared/lagcomp.ts) passes where the attacker saw it.
 */
export type TargetPosition<Id> = (id: Id, target: Fighter) => Point | null;

/**
 * Resolves one attack: every other living fighter in range loses ATTACK_DAMAGE; one that reaches
 * 0 HP dies, the attacker's kills and the victim's deaths count up. Changes the fighters in place.
 * The caller checks that the attacker is alive and off cooldown.
 */
export function resolveAttack<Id>(
  attackerId: Id,
  attacker: Fighter,
  fighters: Iterable<[Id, Fighter]>,
  positionOf: TargetPosition<Id> = (_id, target) => target,
): AttackOutcome<Id> {
  const outcome: AttackOutcome<Id> = { hits: [], killed: [] };
  for (const [id, target] of fighters) {
    if (id === attackerId || !target.alive) continue;
    const seen = positionOf(id, target);
    if (seen === null || !inAttackRange(attacker, seen)) continue;
    target.hp = Math.max(0, target.hp - ATTACK_DAMAGE);
    outcome.hits.push(id);
    if (target.hp === 0) {
      target.alive = false;
      target.deaths += 1;
      attacker.kills += 1;
      outcome.killed.push(id);
    }
  }
  return outcome;
}

/** When a fighter that died at `nowMs` comes back. */
export function respawnAt(nowMs: number): number {
  return nowMs + RESPAWN_DELAY_MS;
}

/** True when a dead fighter's respawn time has come. */
export function respawnDue(fighter: Fighter, respawnAtMs: number, nowMs: number): boolean {
  return !fighter.alive && nowMs >= respawnAtMs;
}

/** Brings a dead fighter back at `spot` with full HP. */
export function respawn(fighter: Fighter, spot: Point): void {
  fighter.x = spot.x;
  fighter.y = spot.y;
  fighter.hp = MAX_HP;
  fighter.alive = true;
}

/** Candidates tried for a free spawn spot before taking the best one seen. */
export const SPAWN_ATTEMPTS = 16;

/**
 * A random spot at least SPAWN_CLEARANCE from every living fighter; on a crowded map, the most
 * distant of SPAWN_ATTEMPTS candidates.
 */
export function pickSpawn(rng: Rng, others: Iterable<Fighter>, map: MapSize): Point {
  const living = [...others].filter((f) => f.alive);
  let best: Point = { x: 0, y: 0 };
  let bestDistance = -1;
  for (let attempt = 0; attempt < SPAWN_ATTEMPTS; attempt++) {
    const spot = { x: Math.floor(rng() * (map.width + 1)), y: Math.floor(rng() * (map.height + 1)) };
    let nearest = Infinity;
    for (const f of living) nearest = Math.min(nearest, distanceSquared(spot, f));
    if (nearest >= SPAWN_CLEARANCE * SPAWN_CLEARANCE) return spot;
    if (nearest > bestDistance) {
      best = spot;
      bestDistance = nearest;
    }
  }
  return best;
}

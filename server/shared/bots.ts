/**
 * What a bot wants to do each tick, as a pure function: wander, chase the nearest living fighter,
 * flee from it at low HP, attack when it is in range and the cooldown has passed. No Colyseus, no
 * clock, no randomness of its own: time and a seeded generator come in, so a test replays a bot
 * exactly. The room turns the intent into the very messages a client sends (`move`, `attack`).
 */
import { distanceSquared, inAttackRange, nextAttackAt, type Direction, type Point, type Rng } from "./game";
import { MAX_HP } from "./tuning";

/** A bot flees once its HP is at or below this share of MAX_HP. */
export const BOT_FLEE_HP_FRACTION = 0.3;
/** A bot chases fighters within this distance (world units); farther ones it does not notice. */
export const BOT_SIGHT = 400;
/** How long a wandering bot keeps one direction before it picks another, in ms. */
export const BOT_WANDER_MS = 1500;

/** What a bot remembers between ticks. Server-only, never synchronised. */
export interface BotMind {
  /** Direction of the current wander. */
  wander: Direction;
  /** Simulation time at which the bot picks a new wander direction. */
  wanderUntil: number;
  /** Simulation time from which it may attack again (it never sends an attack the server would refuse for cooldown). */
  nextAttackAt: number;
}

export function newBotMind(): BotMind {
  return { wander: { dx: 0, dy: 0 }, wanderUntil: 0, nextAttackAt: 0 };
}

/** The bot itself, as the rules see it. */
export interface BotBody extends Point {
  hp: number;
  alive: boolean;
}

/** What a bot decided: a direction to move (length at most 1), and whether to attack now. */
export interface BotIntent {
  move: Direction;
  attack: boolean;
  /** What it is doing, for tests and logs. */
  mode: "dead" | "wander" | "chase" | "flee";
}

/** The nearest living fighter within BOT_SIGHT, if any. */
export function nearestFoe(self: Point, others: Iterable<BotBody>): BotBody | undefined {
  let best: BotBody | undefined;
  let bestDistance = BOT_SIGHT * BOT_SIGHT;
  for (const other of others) {
    if (!other.alive || other === self) continue;
    const distance = distanceSquared(self, other);
    if (distance <= bestDistance) {
      best = other;
      bestDistance = distance;
    }
  }
  return best;
}

/** A unit direction from `from` towards `to` (zero when they coincide). */
function towards(from: Point, to: Point): Direction {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy);
  return length === 0 ? { dx: 0, dy: 0 } : { dx: dx / length, dy: dy / length };
}

/**
 * One tick of a bot at simulation time `nowMs`. `others` are the other fighters (the bot itself may
 * be among them: it is skipped). Changes `mind` (wander direction, attack cooldown).
 */
export function botThink(mind: BotMind, self: BotBody, others: Iterable<BotBody>, nowMs: number, rng: Rng): BotIntent {
  if (!self.alive) return { move: { dx: 0, dy: 0 }, attack: false, mode: "dead" };
  const foe = nearestFoe(self, others);
  if (foe && self.hp <= MAX_HP * BOT_FLEE_HP_FRACTION) {
    const away = towards(foe, self);
    return { move: away.dx === 0 && away.dy === 0 ? wander(mind, nowMs, rng) : away, attack: false, mode: "flee" };
  }
  if (foe) {
    const attack = inAttackRange(self, foe) && nowMs >= mind.nextAttackAt;
    if (attack) mind.nextAttackAt = nextAttackAt(nowMs);
    return { move: towards(self, foe), attack, mode: "chase" };
  }
  return { move: wander(mind, nowMs, rng), attack: false, mode: "wander" };
}

/** The wander direction, a new random one every BOT_WANDER_MS. */
function wander(mind: BotMind, nowMs: number, rng: Rng): Direction {
  if (nowMs >= mind.wanderUntil) {
    const angle = rng() * 2 * Math.PI;
    mind.wander = { dx: Math.cos(angle), dy: Math.sin(angle) };
    mind.wanderUntil = nowMs + BOT_WANDER_MS;
  }
  return mind.wander;
}

/** How many bots a battle with `humans` players holds: up to `fillTo` fighters in all, never past `capacity`. */
export function botsWanted(fillTo: number, humans: number, capacity: number): number {
  if (humans === 0) return 0;
  return Math.max(0, Math.min(fillTo, capacity) - humans);
}

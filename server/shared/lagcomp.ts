/**
 * Lag compensation as pure functions: the room records every player's position once per tick into
 * a bounded history, and an attack that names the tick its sender's screen showed is judged against
 * the targets' positions at that tick, never further back than LAG_COMPENSATION_MAX_TICKS.
 * No clock, no Colyseus: ticks come in as numbers.
 */
import { resolveAttack, type AttackOutcome, type Fighter, type Point } from "./game";
import { LAG_COMPENSATION_MAX_TICKS, POSITION_HISTORY_TICKS } from "./tuning";
import { RefusalCode, type Refusal } from "./wire";

/** Where one player was at the end of a tick, and whether it could be hit there. */
interface Seen extends Point {
  alive: boolean;
}

interface Snapshot<Id> {
  tick: number;
  players: Map<Id, Seen>;
}

/** The last POSITION_HISTORY_TICKS ticks of positions, oldest first; memory is bounded by players x ticks. */
export class PositionHistory<Id> {
  private snapshots: Snapshot<Id>[] = [];

  constructor(private readonly capacity: number = POSITION_HISTORY_TICKS) {}

  /** Records everyone's position at the end of `tick` (the state the patch of that tick carries). */
  record(tick: number, fighters: Iterable<[Id, Fighter]>): void {
    const players = new Map<Id, Seen>();
    for (const [id, f] of fighters) players.set(id, { x: f.x, y: f.y, alive: f.alive });
    this.snapshots.push({ tick, players });
    if (this.snapshots.length > this.capacity) this.snapshots.shift();
  }

  /** Where `id` was at the end of `tick`: undefined when that tick or that player is not recorded. */
  at(tick: number, id: Id): Seen | undefined {
    const newest = this.snapshots[this.snapshots.length - 1];
    if (!newest) return undefined;
    // Ticks are recorded one after another, so the snapshot's index follows from its tick.
    const snapshot = this.snapshots[this.snapshots.length - 1 - (newest.tick - tick)];
    return snapshot?.tick === tick ? snapshot.players.get(id) : undefined;
  }

  get size(): number {
    return this.snapshots.length;
  }
}

export type RewindTick = { ok: true; tick: number } | Refusal;

/**
 * The tick an attack is judged at. No claim: now. A claim after `now`: refused (nobody saw it yet).
 * A claim older than the cap: judged at the cap, `now - LAG_COMPENSATION_MAX_TICKS`.
 */
export function rewindTick(claimed: number | undefined, now: number): RewindTick {
  if (claimed === undefined) return { ok: true, tick: now };
  if (claimed > now) return { ok: false, code: RefusalCode.futureTick, message: `attack.tick must not be after ${now}` };
  return { ok: true, tick: Math.max(claimed, now - LAG_COMPENSATION_MAX_TICKS, 0) };
}

/**
 * Resolves an attack against the targets' positions at `tick`: the attacker stands where it is now,
 * each target where it was then. A target dead at that tick cannot be hit; one with no record then
 * (it joined later) counts where it is now. Damage applies to the targets as they are now (they must
 * be alive now), exactly as `resolveAttack`.
 */
export function resolveRewoundAttack<Id>(
  attackerId: Id,
  attacker: Fighter,
  fighters: Iterable<[Id, Fighter]>,
  history: PositionHistory<Id>,
  tick: number,
): AttackOutcome<Id> {
  return resolveAttack(attackerId, attacker, fighters, (id, target) => {
    const then = history.at(tick, id);
    if (!then) return target;
    return then.alive ? then : null;
  });
}

/**
 * Lag compensation as pure functions: the room records every player's position once per tick into
 * a bounded history, and an attack that names the tick its sender's screen showed is judged against
 * the targets' positions at that tick, never further back than LAG_COMPENSATION_MAX_TICKS.
 * No clock, no Colyseus: ticks come in as numbers.
 */
import { resolveAttack, type AttackOutcome, type Fighter, type Point } from "./game";
import { LAG_COMPENSATION_MAX_TICKS, POSITION_HISTORY_TICKS } from "./tuning";
import { RefusalCode, type Refusal } from "./codes";

/** Where one player was at the end of a tick, and whether it could be hit there. */
interface Seen extends Point {
  alive: boolean;
}

/** Columns the history starts with; it doubles when more players are recorded at once. */
const INITIAL_COLUMNS = 16;
/** Marks a cell of the ring that holds no record. */
const EMPTY = -1;

/**
 * The last POSITION_HISTORY_TICKS ticks of positions, in flat arrays: one column per player, one row
 * per tick of a ring. Recording a tick allocates nothing, where a Map of fresh objects per tick lived
 * just long enough (7 ticks) to be promoted to V8's old space, 20 times a second. A player's column
 * is freed once no kept tick holds it, so memory is bounded by (players of the last ticks) x ticks.
 */
export class PositionHistory<Id> {
  /** Tick held by each row, EMPTY before it is first written. */
  private readonly rowTick: Float64Array;
  private newestTick = EMPTY;
  private recorded = 0;
  private readonly columns = new Map<Id, { index: number; lastTick: number }>();
  private readonly freeColumns: number[] = [];
  private width = 0;
  /** Column-major: the cell of (column c, row r) is c * capacity + r. */
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private alive = new Uint8Array(0);
  /** The tick each cell was written at; a cell of another tick is stale, not a record. */
  private cellTick = new Float64Array(0);

  constructor(private readonly capacity: number = POSITION_HISTORY_TICKS) {
    this.rowTick = new Float64Array(capacity).fill(EMPTY);
  }

  /** Records everyone's position at the end of `tick` (the state the patch of that tick carries). */
  record(tick: number, fighters: Iterable<[Id, Fighter]>): void {
    const row = tick % this.capacity;
    this.rowTick[row] = tick;
    this.newestTick = tick;
    this.recorded = Math.min(this.capacity, this.recorded + 1);
    for (const [id, f] of fighters) {
      const cell = this.columnOf(id, tick) * this.capacity + row;
      this.xs[cell] = f.x;
      this.ys[cell] = f.y;
      this.alive[cell] = f.alive ? 1 : 0;
      this.cellTick[cell] = tick;
    }
    // A player no kept row holds (it left) gives its column back.
    for (const [id, column] of this.columns) {
      if (tick - column.lastTick < this.capacity) continue;
      this.columns.delete(id);
      this.freeColumns.push(column.index);
    }
  }

  /** Where `id` was at the end of `tick`: undefined when that tick or that player is not recorded. */
  at(tick: number, id: Id): Seen | undefined {
    const column = this.columns.get(id);
    if (!column || tick < 0 || tick > this.newestTick || this.rowTick[tick % this.capacity] !== tick) return undefined;
    const cell = column.index * this.capacity + (tick % this.capacity);
    if (this.cellTick[cell] !== tick) return undefined;
    return { x: this.xs[cell]!, y: this.ys[cell]!, alive: this.alive[cell] === 1 };
  }

  /** Ticks kept (at most the capacity). */
  get size(): number {
    return this.recorded;
  }

  /** Players with a column: those recorded in one of the kept ticks. */
  get players(): number {
    return this.columns.size;
  }

  private columnOf(id: Id, tick: number): number {
    let column = this.columns.get(id);
    if (!column) {
      if (this.freeColumns.length === 0) this.grow();
      column = { index: this.freeColumns.pop()!, lastTick: tick };
      this.columns.set(id, column);
    }
    column.lastTick = tick;
    return column.index;
  }

  private grow(): void {
    const width = Math.max(INITIAL_COLUMNS, this.width * 2);
    const cells = width * this.capacity;
    const widen = <T extends Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(cells);
      next.set(old);
      return next;
    };
    this.xs = widen(this.xs, (n) => new Float64Array(n));
    this.ys = widen(this.ys, (n) => new Float64Array(n));
    this.alive = widen(this.alive, (n) => new Uint8Array(n));
    this.cellTick = widen(this.cellTick, (n) => new Float64Array(n).fill(EMPTY));
    for (let index = width - 1; index >= this.width; index--) this.freeColumns.push(index);
    this.width = width;
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

/**
 * Interest management as a pure structure: for each viewer, the set of other players it should see.
 * A player enters a viewer's set within INTEREST_RADIUS and leaves it beyond INTEREST_KEEP_RADIUS.
 * A grid of INTEREST_CELL-sized cells keeps each update near n x (players around one viewer)
 * instead of n x n. The room turns enter/leave into StateView adds and removes.
 */
import { distanceSquared, type Point } from "./game";
import { INTEREST_KEEP_RADIUS, INTEREST_RADIUS } from "./tuning";

/** Grid cell side (world units): a viewer checks the cells within INTEREST_RADIUS of its own. */
export const INTEREST_CELL = 50;

export interface InterestEvents<Id> {
  enter(viewer: Id, target: Id): void;
  leave(viewer: Id, target: Id): void;
}

export class InterestSets<Id> {
  private readonly seen = new Map<Id, Set<Id>>();

  constructor(
    private readonly radius: number = INTEREST_RADIUS,
    private readonly keepRadius: number = INTEREST_KEEP_RADIUS,
  ) {}

  /** Who `viewer` sees besides itself (empty for an unknown viewer). */
  visibleTo(viewer: Id): ReadonlySet<Id> {
    return this.seen.get(viewer) ?? new Set();
  }

  /**
   * Brings every viewer's set up to date with `players` (everyone who can be seen, viewers included)
   * and reports each change. A target no longer among `players` leaves silently: it left the room.
   */
  update(viewers: Iterable<Id>, players: Iterable<[Id, Point]>, events: InterestEvents<Id>): void {
    const positions = new Map<Id, Point>();
    const grid = new Map<number, Id[]>();
    for (const [id, player] of players) {
      // A plain copy: a Schema instance's x and y are accessors, read here once instead of per pair.
      const at = { x: player.x, y: player.y };
      positions.set(id, at);
      const key = cellKey(cellOf(at.x), cellOf(at.y));
      const cell = grid.get(key);
      if (cell) cell.push(id);
      else grid.set(key, [id]);
    }
    const enterSq = this.radius * this.radius;
    const keepSq = this.keepRadius * this.keepRadius;
    const reach = Math.ceil(this.radius / INTEREST_CELL);
    for (const viewer of viewers) {
      const at = positions.get(viewer);
      if (!at) continue;
      let seen = this.seen.get(viewer);
      if (!seen) this.seen.set(viewer, (seen = new Set()));
      for (const target of seen) {
        const there = positions.get(target);
        if (!there) seen.delete(target);
        else if (distanceSquared(at, there) > keepSq) {
          seen.delete(target);
          events.leave(viewer, target);
        }
      }
      const cx = cellOf(at.x);
      const cy = cellOf(at.y);
      for (let x = cx - reach; x <= cx + reach; x++) {
        for (let y = cy - reach; y <= cy + reach; y++) {
          const cell = grid.get(cellKey(x, y));
          if (!cell) continue;
          for (const target of cell) {
            if (target === viewer || seen.has(target)) continue;
            if (distanceSquared(at, positions.get(target)!) > enterSq) continue;
            seen.add(target);
            events.enter(viewer, target);
          }
        }
      }
    }
  }

  /** Drops a viewer that left (its own set; others drop it at their next update). */
  forget(viewer: Id): void {
    this.seen.delete(viewer);
  }
}

const cellOf = (coordinate: number) => Math.floor(coordinate / INTEREST_CELL);
/** One number per cell; cells stay within a few thousand of the map, so this never collides. */
const cellKey = (x: number, y: number) => x * 65536 + y;

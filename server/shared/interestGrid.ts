/**
 * Interest management as a pure structure whose cost follows occupied cells, not players.
 *
 * The map is cut into INTEREST_CELL squares. Each player has a home cell, which it keeps until it is
 * INTEREST_HYSTERESIS past the cell's edge. A viewer sees exactly the players whose home cell is its
 * own home cell or one of the 8 around it, so every viewer of one home cell sees the same set: one
 * `CellView` per occupied cell, shared. Each `update` (once per tick, before the patch) reports, per
 * view, who entered and left it, and per viewer that changed cell, the difference between what it
 * held (its old view before this tick) and its new view: the room turns these into patch bytes.
 */
import type { Point } from "./game";
import { INTEREST_CELL, INTEREST_HYSTERESIS } from "./tuning";

/** One view: the players of a 3 x 3 block of cells around one home cell. */
export class CellView<Id> {
  /** Who is in view after the latest update. */
  readonly members = new Set<Id>();
  /** Changes of the latest update, for the viewers that stayed in this view. */
  readonly entered = new Set<Id>();
  readonly left = new Set<Id>();
  readonly viewers = new Set<Id>();

  constructor(readonly cell: number) {}

  /** Whether `id` was a member before the latest update: what this view's viewers hold. */
  held(id: Id): boolean {
    return this.members.has(id) ? !this.entered.has(id) : this.left.has(id);
  }
}

/** A viewer that moved to another view this update: it must get the difference, not the view's changes. */
export interface ViewChange<Id> {
  viewer: Id;
  to: CellView<Id>;
  /** Members of `to` the viewer did not hold. */
  entered: Id[];
  /** Players the viewer held that are not members of `to`. */
  left: Id[];
}

interface Home {
  cell: number;
  /** The update that last saw this player; an older one means it left the room. */
  seen: number;
}

export class InterestCells<Id> {
  private readonly homes = new Map<Id, Home>();
  private readonly byCell = new Map<number, Set<Id>>();
  private readonly viewerCells = new Map<Id, CellView<Id>>();
  private readonly views = new Map<number, CellView<Id>>();
  private updates = 0;

  constructor(
    private readonly cellSize: number = INTEREST_CELL,
    private readonly hysteresis: number = INTEREST_HYSTERESIS,
  ) {}

  /** Views with at least one viewer. */
  get liveViews(): Iterable<CellView<Id>> {
    return this.views.values();
  }

  /**
   * Starts `viewer` (standing at `at`) in the view of its cell as that view was at the latest
   * update: the full state it is sent at join must hold exactly that view's members.
   */
  watch(viewer: Id, at: Point): CellView<Id> {
    const existing = this.viewerCells.get(viewer);
    if (existing) return existing;
    const view = this.viewAt(this.homes.get(viewer)?.cell ?? cellKey(cellOf(at.x, this.cellSize), cellOf(at.y, this.cellSize)));
    view.viewers.add(viewer);
    this.viewerCells.set(viewer, view);
    return view;
  }

  /** Stops `viewer` (it left for good); its player leaves everyone's view at the next update. */
  unwatch(viewer: Id): void {
    const view = this.viewerCells.get(viewer);
    if (!view) return;
    view.viewers.delete(viewer);
    this.viewerCells.delete(viewer);
    if (view.viewers.size === 0) this.views.delete(view.cell);
  }

  viewOf(viewer: Id): CellView<Id> | undefined {
    return this.viewerCells.get(viewer);
  }

  /** Whether `viewer`'s client holds `target`'s position after the latest patch. */
  canSee(viewer: Id, target: Id): boolean {
    return this.viewerCells.get(viewer)?.members.has(target) ?? false;
  }

  /**
   * Brings homes and views up to date with `players` (everyone in the room) and returns the viewers
   * that changed view. A player missing from `players` left the room and leaves every view.
   */
  update(players: Iterable<[Id, Point]>): ViewChange<Id>[] {
    const now = ++this.updates;
    for (const view of this.views.values()) {
      view.entered.clear();
      view.left.clear();
    }
    for (const [id, at] of players) {
      const home = this.homes.get(id);
      const cell = this.homeCell(home?.cell, at.x, at.y);
      if (!home) {
        this.homes.set(id, { cell, seen: now });
        this.cellSet(cell).add(id);
        this.relocate(id, undefined, cell);
        continue;
      }
      home.seen = now;
      if (home.cell === cell) continue;
      this.byCell.get(home.cell)!.delete(id);
      this.cellSet(cell).add(id);
      this.relocate(id, home.cell, cell);
      home.cell = cell;
    }
    for (const [id, home] of this.homes) {
      if (home.seen === now) continue;
      this.homes.delete(id);
      this.byCell.get(home.cell)!.delete(id);
      this.relocate(id, home.cell, undefined);
    }

    const changes: ViewChange<Id>[] = [];
    for (const [viewer, from] of this.viewerCells) {
      const cell = this.homes.get(viewer)?.cell;
      if (cell === undefined || cell === from.cell) continue;
      const to = this.viewAt(cell);
      const entered = [...to.members].filter((id) => !from.held(id));
      const left: Id[] = [];
      for (const id of from.members) if (!from.entered.has(id) && !to.members.has(id)) left.push(id);
      for (const id of from.left) if (!to.members.has(id)) left.push(id);
      changes.push({ viewer, to, entered, left });
      from.viewers.delete(viewer);
      to.viewers.add(viewer);
      this.viewerCells.set(viewer, to);
    }
    for (const [cell, view] of this.views) if (view.viewers.size === 0) this.views.delete(cell);
    return changes;
  }

  /** The views around `from` lose `id`, the views around `to` gain it (neither: it stayed in view). */
  private relocate(id: Id, from: number | undefined, to: number | undefined): void {
    if (from !== undefined) {
      for (const cell of block(from)) {
        if (to !== undefined && adjacent(cell, to)) continue;
        const view = this.views.get(cell);
        if (view?.members.delete(id)) {
          if (!view.entered.delete(id)) view.left.add(id);
        }
      }
    }
    if (to !== undefined) {
      for (const cell of block(to)) {
        if (from !== undefined && adjacent(cell, from)) continue;
        const view = this.views.get(cell);
        if (view && !view.members.has(id)) {
          view.members.add(id);
          if (!view.left.delete(id)) view.entered.add(id);
        }
      }
    }
  }

  /** The live view of `cell`, made from the homes around it when it had no viewer. */
  private viewAt(cell: number): CellView<Id> {
    let view = this.views.get(cell);
    if (view) return view;
    view = new CellView<Id>(cell);
    for (const near of block(cell)) for (const id of this.byCell.get(near) ?? []) view.members.add(id);
    this.views.set(cell, view);
    return view;
  }

  private cellSet(cell: number): Set<Id> {
    let ids = this.byCell.get(cell);
    if (!ids) this.byCell.set(cell, (ids = new Set()));
    return ids;
  }

  /** `current` while (x, y) is within it or less than the hysteresis past its edge, else the cell of (x, y). */
  private homeCell(current: number | undefined, x: number, y: number): number {
    const size = this.cellSize;
    if (current !== undefined) {
      const cx = cellX(current) * size;
      const cy = cellY(current) * size;
      const h = this.hysteresis;
      if (x >= cx - h && x < cx + size + h && y >= cy - h && y < cy + size + h) return current;
    }
    return cellKey(cellOf(x, size), cellOf(y, size));
  }
}

const cellOf = (coordinate: number, size: number) => Math.floor(coordinate / size);
/** One number per cell, offset by one so the cells around column or row 0 stay positive (-1 becomes 0). */
const cellKey = (x: number, y: number) => (x + 1) * 65536 + (y + 1);
const cellX = (key: number) => Math.floor(key / 65536) - 1;
const cellY = (key: number) => (key % 65536) - 1;
const adjacent = (a: number, b: number) => Math.abs(cellX(a) - cellX(b)) <= 1 && Math.abs(cellY(a) - cellY(b)) <= 1;

/** The cell and its 8 neighbours. */
function block(cell: number): number[] {
  const x = cellX(cell);
  const y = cellY(cell);
  const cells: number[] = [];
  for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) cells.push(cellKey(x + dx, y + dy));
  return cells;
}

import assert from "node:assert/strict";
import { arenaSize } from "../../server/shared/arena";
import { seededRng, type Point } from "../../server/shared/game";
import { InterestCells, type ViewChange } from "../../server/shared/interestGrid";
import { INTEREST_CELL, INTEREST_HYSTERESIS, INTEREST_SEEN_WITHIN } from "../../server/shared/protocol";

/**
 * What each viewer's client holds, kept the way the room's patches change it: a viewer that stayed
 * in its view applies the view's entered/left, one that moved applies its own difference.
 */
class Clients {
  readonly held = new Map<string, Set<string>>();

  constructor(private readonly cells: InterestCells<string>) {}

  join(viewer: string, at: Point): void {
    this.held.set(viewer, new Set(this.cells.watch(viewer, at).members));
  }

  apply(changes: ViewChange<string>[]): void {
    const moved = new Map(changes.map((c) => [c.viewer, c]));
    for (const [viewer, held] of this.held) {
      const change = moved.get(viewer);
      const view = this.cells.viewOf(viewer)!;
      for (const id of change?.left ?? view.left) {
        assert.ok(held.delete(id), `${viewer} is told to drop ${id}, which it does not hold`);
      }
      for (const id of change?.entered ?? view.entered) {
        assert.ok(!held.has(id), `${viewer} is sent ${id} in full, which it already holds`);
        held.add(id);
      }
    }
  }
}

/** Chebyshev distance: cells are squares. */
const apart = (a: Point, b: Point) => Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y));

describe("interest management: cell views", () => {
  it("shows every player within INTEREST_SEEN_WITHIN and none beyond two cells, and clients end up holding exactly their view", () => {
    const rng = seededRng(15);
    const cells = new InterestCells<string>();
    const clients = new Clients(cells);
    const side = 6 * INTEREST_CELL;
    const players = new Map<string, Point>();
    for (let i = 0; i < 200; i++) players.set(`p${i}`, { x: Math.floor(rng() * side), y: Math.floor(rng() * side) });
    clients.apply(cells.update(players.entries()));
    for (const [id, at] of players) clients.join(id, at);
    let moves = 0;
    for (let tick = 0; tick < 150; tick++) {
      for (const at of players.values()) {
        // Fast walkers (40 units a tick): plenty of cell changes and border dithering.
        at.x = Math.min(side, Math.max(0, at.x + Math.round((rng() * 2 - 1) * 40)));
        at.y = Math.min(side, Math.max(0, at.y + Math.round((rng() * 2 - 1) * 40)));
      }
      // Some leave, some arrive.
      if (tick % 10 === 5) {
        const gone = `p${tick}`;
        players.delete(gone);
        cells.unwatch(gone);
        clients.held.delete(gone);
        const fresh = `n${tick}`;
        const at = { x: Math.floor(rng() * side), y: Math.floor(rng() * side) };
        players.set(fresh, at);
        clients.join(fresh, at);
      }
      const changes = cells.update(players.entries());
      moves += changes.length;
      clients.apply(changes);
      for (const [viewer, held] of clients.held) {
        const view = cells.viewOf(viewer)!;
        assert.deepEqual([...held].sort(), [...view.members].sort(), `${viewer} holds its view at tick ${tick}`);
        if (tick % 10 !== 0) continue;
        const at = players.get(viewer)!;
        for (const [id, there] of players) {
          const d = apart(at, there);
          if (d < INTEREST_SEEN_WITHIN) assert.ok(cells.canSee(viewer, id), `${viewer} sees ${id} ${d} away`);
          if (d > 2 * INTEREST_CELL + 2 * INTEREST_HYSTERESIS) assert.ok(!cells.canSee(viewer, id), `${viewer} does not see ${id} ${d} away`);
        }
      }
    }
    assert.ok(moves > 200, `viewers changed view ${moves} times`);
  });

  it("keeps a player's cell until it is INTEREST_HYSTERESIS past the border", () => {
    const cells = new InterestCells<string>();
    const at = { x: INTEREST_CELL - 10, y: 10 };
    cells.update([["a", at]]);
    cells.watch("a", at);
    const far = { x: 3 * INTEREST_CELL - 10, y: 10 };
    cells.update([["a", at], ["b", far]]);
    assert.equal(cells.canSee("a", "b"), false, "b is two cells from a's cell");
    at.x = INTEREST_CELL + INTEREST_HYSTERESIS - 1;
    assert.deepEqual(cells.update([["a", at], ["b", far]]), [], "a keeps its cell");
    at.x = INTEREST_CELL + INTEREST_HYSTERESIS;
    const [change] = cells.update([["a", at], ["b", far]]);
    assert.deepEqual(change?.entered, ["b"]);
    assert.equal(cells.canSee("a", "b"), true);
    at.x = INTEREST_CELL - INTEREST_HYSTERESIS + 1;
    assert.deepEqual(cells.update([["a", at], ["b", far]]), [], "and keeps the new one on the way back");
  });

  it("shares one view among the viewers of a cell and drops a view nobody watches", () => {
    const cells = new InterestCells<string>();
    cells.update([["a", { x: 10, y: 10 }], ["b", { x: 20, y: 20 }]]);
    assert.equal(cells.watch("a", { x: 10, y: 10 }), cells.watch("b", { x: 20, y: 20 }));
    assert.equal([...cells.liveViews].length, 1);
    cells.unwatch("a");
    cells.unwatch("b");
    assert.equal([...cells.liveViews].length, 0);
    assert.equal(cells.canSee("a", "b"), false);
  });
});

describe("arena size", () => {
  it("keeps the smallest map for small rooms and grows with capacity at the named density", () => {
    assert.deepEqual(arenaSize(16), { width: 1000, height: 1000 });
    const big = arenaSize(2000);
    assert.equal(big.width, big.height);
    assert.ok(big.width * big.height >= 2000 * 100 * 100 && big.width < 4500, `${big.width}`);
    assert.ok(big.width <= 0xffff, "positions are uint16");
  });
});

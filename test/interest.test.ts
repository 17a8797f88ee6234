import assert from "node:assert/strict";
import { seededRng, type Point } from "../server/shared/game";
import { InterestSets } from "../server/shared/interest";
import { INTEREST_KEEP_RADIUS, INTEREST_RADIUS, MAP_HEIGHT, MAP_WIDTH } from "../server/shared/protocol";

type Change = [string, string, string];

function updateAll(sets: InterestSets<string>, players: Array<[string, Point]>): Change[] {
  const changes: Change[] = [];
  sets.update(players.map(([id]) => id), players, {
    enter: (viewer, target) => changes.push(["enter", viewer, target]),
    leave: (viewer, target) => changes.push(["leave", viewer, target]),
  });
  return changes;
}

describe("interest management: who sees whom", () => {
  it("lets a player in within INTEREST_RADIUS, keeps it until beyond INTEREST_KEEP_RADIUS", () => {
    const sets = new InterestSets<string>();
    const a: [string, Point] = ["a", { x: 100, y: 100 }];
    assert.deepEqual(updateAll(sets, [a, ["b", { x: 100 + INTEREST_RADIUS + 1, y: 100 }]]), []);
    assert.deepEqual(updateAll(sets, [a, ["b", { x: 100 + INTEREST_RADIUS, y: 100 }]]), [["enter", "a", "b"], ["enter", "b", "a"]]);
    assert.deepEqual(updateAll(sets, [a, ["b", { x: 100 + INTEREST_KEEP_RADIUS, y: 100 }]]), [], "between the radii it stays");
    assert.deepEqual([...sets.visibleTo("a")], ["b"]);
    assert.deepEqual(updateAll(sets, [a, ["b", { x: 100 + INTEREST_KEEP_RADIUS + 1, y: 100 }]]), [["leave", "a", "b"], ["leave", "b", "a"]]);
    assert.equal(sets.visibleTo("a").size, 0);
  });

  it("drops a target that left the room without telling anyone, and forgets a viewer", () => {
    const sets = new InterestSets<string>();
    updateAll(sets, [["a", { x: 0, y: 0 }], ["b", { x: 10, y: 10 }]]);
    assert.deepEqual(updateAll(sets, [["a", { x: 0, y: 0 }]]), []);
    assert.equal(sets.visibleTo("a").size, 0);
    sets.forget("a");
    assert.equal(sets.visibleTo("a").size, 0);
  });

  it("finds exactly the players a brute-force check finds, across the whole map and its edges", () => {
    const rng = seededRng(8);
    const sets = new InterestSets<string>();
    const players: Array<[string, Point]> = Array.from({ length: 300 }, (_, i) => [
      `p${i}`,
      { x: Math.floor(rng() * (MAP_WIDTH + 1)), y: Math.floor(rng() * (MAP_HEIGHT + 1)) },
    ]);
    updateAll(sets, players);
    for (const [viewer, at] of players) {
      const expected = players
        .filter(([id, p]) => id !== viewer && Math.hypot(p.x - at.x, p.y - at.y) <= INTEREST_RADIUS)
        .map(([id]) => id)
        .sort();
      assert.deepEqual([...sets.visibleTo(viewer)].sort(), expected, viewer);
    }
  });
});

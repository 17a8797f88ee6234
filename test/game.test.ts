import assert from "node:assert/strict";
import {
  STEP_PER_TICK,
  attackBlocked,
  moveRefused,
  nextAttackAt,
  respawnAt,
  respawnDue,
  generateName,
  inAttackRange,
  pickSpawn,
  resolveAttack,
  respawn,
  seededRng,
  stepMove,
  type Fighter,
} from "../server/shared/game";
import { ATTACK_COOLDOWN_MS, ATTACK_DAMAGE, ATTACK_RANGE, RESPAWN_DELAY_MS, MAP_HEIGHT, MAP_WIDTH, MAX_HP, MAX_QUEUED_MOVES, NAME_MAX_CHARS, RefusalCode, SPAWN_CLEARANCE } from "../server/shared/protocol";

const map = { width: MAP_WIDTH, height: MAP_HEIGHT };
const fighter = (x: number, y: number, hp = MAX_HP): Fighter => ({ x, y, hp, alive: true, kills: 0, deaths: 0 });

describe("rules: movement step", () => {
  it("moves a full step in a straight line", () => {
    assert.deepEqual(stepMove({ x: 500, y: 500 }, { dx: 1, dy: 0 }, map), { x: 500 + STEP_PER_TICK, y: 500 });
    assert.deepEqual(stepMove({ x: 500, y: 500 }, { dx: 0, dy: -1 }, map), { x: 500, y: 500 - STEP_PER_TICK });
  });

  it("never moves faster than one step, diagonals and any direction included", () => {
    const rng = seededRng(7);
    for (let i = 0; i < 2000; i++) {
      const dir = { dx: rng() * 2 - 1, dy: rng() * 2 - 1 };
      const next = stepMove({ x: 500, y: 500 }, dir, map);
      assert.ok(Math.hypot(next.x - 500, next.y - 500) <= STEP_PER_TICK + 1e-9, `too fast for ${JSON.stringify(dir)}`);
      assert.ok(Number.isInteger(next.x) && Number.isInteger(next.y), "positions stay whole units");
    }
  });

  it("keeps the player on the map at every edge", () => {
    assert.deepEqual(stepMove({ x: MAP_WIDTH - 3, y: 2 }, { dx: 1, dy: -1 }, map), { x: MAP_WIDTH, y: 0 });
    assert.deepEqual(stepMove({ x: 1, y: MAP_HEIGHT - 1 }, { dx: -1, dy: 1 }, map), { x: 0, y: MAP_HEIGHT });
  });

  it("stands still without a direction and is deterministic", () => {
    assert.deepEqual(stepMove({ x: 10, y: 20 }, { dx: 0, dy: 0 }, map), { x: 10, y: 20 });
    const a = stepMove({ x: 10, y: 20 }, { dx: 0.3, dy: -0.9 }, map);
    assert.deepEqual(stepMove({ x: 10, y: 20 }, { dx: 0.3, dy: -0.9 }, map), a);
  });
});

describe("rules: attacks", () => {
  it("damages every other living fighter in range and no one else", () => {
    const attacker = fighter(100, 100);
    const near = fighter(100 + ATTACK_RANGE, 100);
    const far = fighter(100 + ATTACK_RANGE + 1, 100);
    const dead = { ...fighter(100, 101), alive: false, hp: 0 };
    const outcome = resolveAttack("a", attacker, [["a", attacker], ["near", near], ["far", far], ["dead", dead]] as [string, Fighter][]);
    assert.deepEqual(outcome, { hits: ["near"], killed: [] });
    assert.equal(near.hp, MAX_HP - ATTACK_DAMAGE);
    assert.equal(far.hp, MAX_HP);
    assert.equal(attacker.hp, MAX_HP);
    assert.equal(dead.hp, 0);
  });

  it("kills at 0 HP and counts the kill and the death", () => {
    const attacker = fighter(0, 0);
    const victim = fighter(3, 4, ATTACK_DAMAGE);
    const outcome = resolveAttack(1, attacker, [[1, attacker], [2, victim]] as [number, Fighter][]);
    assert.deepEqual(outcome, { hits: [2], killed: [2] });
    assert.deepEqual(victim, { x: 3, y: 4, hp: 0, alive: false, kills: 0, deaths: 1 });
    assert.equal(attacker.kills, 1);
  });

  it("measures range as a circle", () => {
    assert.ok(inAttackRange({ x: 0, y: 0 }, { x: 60, y: 80 }));
    assert.ok(!inAttackRange({ x: 0, y: 0 }, { x: 61, y: 80 }));
  });

  it("refuses an attack while dead or during the cooldown, as a refusal that says how long is left", () => {
    const attacker = fighter(0, 0);
    const ready = nextAttackAt(1000);
    assert.deepEqual(attackBlocked(attacker, ready, 1000), { ok: false, code: RefusalCode.cooldown, message: `attack is cooling down (${ATTACK_COOLDOWN_MS} ms left)` });
    assert.deepEqual(attackBlocked(attacker, ready, ready - 1), { ok: false, code: RefusalCode.cooldown, message: "attack is cooling down (1 ms left)" });
    assert.equal(attackBlocked(attacker, ready, ready), null);
    assert.deepEqual(attackBlocked({ ...attacker, alive: false, hp: 0 }, 0, ready), { ok: false, code: RefusalCode.dead, message: "you are dead" });
  });

  it("admits a move only with a larger seq and room in the queue, else refuses it", () => {
    assert.equal(moveRefused(1, 0, 0), null);
    assert.equal(moveRefused(8, 5, MAX_QUEUED_MOVES - 1), null);
    assert.deepEqual(moveRefused(5, 5, 0), { ok: false, code: RefusalCode.staleSeq, message: "move.seq must be larger than 5" });
    assert.deepEqual(moveRefused(4, 5, 0), { ok: false, code: RefusalCode.staleSeq, message: "move.seq must be larger than 5" });
    assert.deepEqual(moveRefused(6, 5, MAX_QUEUED_MOVES), { ok: false, code: RefusalCode.moveQueueFull, message: "too many moves queued: send one per tick" });
  });

  it("respawns a dead fighter once its delay has passed, and never a living one", () => {
    const dead = { ...fighter(0, 0, 0), alive: false };
    const due = respawnAt(500);
    assert.equal(due, 500 + RESPAWN_DELAY_MS);
    assert.equal(respawnDue(dead, due, due - 1), false);
    assert.equal(respawnDue(dead, due, due), true);
    assert.equal(respawnDue(fighter(0, 0), 0, due), false);
  });

  it("respawns with full HP at the given spot", () => {
    const victim = { ...fighter(1, 1, 0), alive: false, deaths: 1 };
    respawn(victim, { x: 9, y: 8 });
    assert.deepEqual(victim, { x: 9, y: 8, hp: MAX_HP, alive: true, kills: 0, deaths: 1 });
  });
});

describe("rules: spawning and names", () => {
  it("picks a spot on the map clear of living fighters", () => {
    const rng = seededRng(42);
    const others = [fighter(500, 500), fighter(200, 800), { ...fighter(900, 100), alive: false }];
    for (let i = 0; i < 200; i++) {
      const spot = pickSpawn(rng, others, map);
      assert.ok(spot.x >= 0 && spot.x <= MAP_WIDTH && spot.y >= 0 && spot.y <= MAP_HEIGHT);
      for (const f of others.filter((o) => o.alive)) {
        assert.ok(Math.hypot(spot.x - f.x, spot.y - f.y) >= SPAWN_CLEARANCE);
      }
    }
  });

  it("still returns a spot on a map with no free room", () => {
    const crowd: Fighter[] = [];
    for (let x = 0; x <= MAP_WIDTH; x += 50) for (let y = 0; y <= MAP_HEIGHT; y += 50) crowd.push(fighter(x, y));
    const spot = pickSpawn(seededRng(1), crowd, map);
    assert.ok(spot.x >= 0 && spot.x <= MAP_WIDTH && spot.y >= 0 && spot.y <= MAP_HEIGHT);
  });

  it("gives the same sequence for the same seed", () => {
    const a = seededRng(123);
    const b = seededRng(123);
    for (let i = 0; i < 10; i++) assert.equal(a(), b());
  });

  it("generates names that are valid display names", () => {
    const rng = seededRng(5);
    for (let i = 0; i < 100; i++) {
      const name = generateName(rng);
      assert.ok(name.length >= 1 && name.length <= NAME_MAX_CHARS, name);
    }
  });
});

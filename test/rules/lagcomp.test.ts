import assert from "node:assert/strict";
import type { Fighter } from "../../server/shared/game";
import { PositionHistory, resolveRewoundAttack, rewindTick } from "../../server/shared/lagcomp";
import { parseAttack } from "../../server/shared/parse";
import {
  ATTACK_DAMAGE,
  ATTACK_RANGE,
  LAG_COMPENSATION_MAX_TICKS,
  MAX_HP,
  MAX_TICK,
  POSITION_HISTORY_TICKS,
  RefusalCode,
} from "../../server/shared/protocol";

const fighter = (x: number, y: number): Fighter => ({ x, y, hp: MAX_HP, alive: true, kills: 0, deaths: 0 });

/** A target walking away from an attacker at x=0 by 20 units per tick, recorded tick by tick. */
function walkingAway(ticks: number) {
  const attacker = fighter(0, 0);
  const target = fighter(0, 0);
  const history = new PositionHistory<string>();
  for (let tick = 1; tick <= ticks; tick++) {
    target.x = 60 + 20 * tick;
    history.record(tick, [["a", attacker], ["t", target]]);
  }
  return { attacker, target, history };
}

describe("lag compensation: which tick an attack is judged at", () => {
  it("judges an attack without a tick now", () => {
    assert.deepEqual(rewindTick(undefined, 40), { ok: true, tick: 40 });
  });
  it("judges a claim within the cap at the claimed tick", () => {
    assert.deepEqual(rewindTick(40, 40), { ok: true, tick: 40 });
    assert.deepEqual(rewindTick(40 - LAG_COMPENSATION_MAX_TICKS, 40), { ok: true, tick: 40 - LAG_COMPENSATION_MAX_TICKS });
  });
  it("judges an older claim at the cap", () => {
    assert.deepEqual(rewindTick(10, 40), { ok: true, tick: 40 - LAG_COMPENSATION_MAX_TICKS });
    assert.deepEqual(rewindTick(0, 2), { ok: true, tick: 0 });
  });
  it("refuses a tick that has not happened", () => {
    assert.deepEqual(rewindTick(41, 40), { ok: false, code: RefusalCode.futureTick, message: "attack.tick must not be after 40" });
  });
});

describe("lag compensation: position history", () => {
  it("keeps only the last POSITION_HISTORY_TICKS ticks", () => {
    const { history } = walkingAway(20);
    assert.equal(history.size, POSITION_HISTORY_TICKS);
    assert.equal(history.at(20 - POSITION_HISTORY_TICKS, "t"), undefined, "older ticks are gone");
    assert.deepEqual(history.at(20 - POSITION_HISTORY_TICKS + 1, "t"), { x: 60 + 20 * (20 - POSITION_HISTORY_TICKS + 1), y: 0, alive: true });
    assert.deepEqual(history.at(20, "t"), { x: 460, y: 0, alive: true });
    assert.equal(history.at(21, "t"), undefined);
    assert.equal(history.at(20, "nobody"), undefined);
  });
  it("holds players only while a kept tick has them: a crowd passing through leaves nothing behind", () => {
    const history = new PositionHistory<string>();
    const stayer = fighter(5, 5);
    // 1000 players, 10 at a time, each in the room for one tick.
    for (let tick = 1; tick <= 100; tick++) {
      const passing = Array.from({ length: 10 }, (_, i): [string, Fighter] => [`p${tick}-${i}`, fighter(tick, i)]);
      history.record(tick, [["stayer", stayer], ...passing]);
    }
    assert.equal(history.players, 1 + 10 * POSITION_HISTORY_TICKS, "the stayer and the passers of the kept ticks");
    for (let tick = 101; tick < 101 + POSITION_HISTORY_TICKS; tick++) history.record(tick, [["stayer", stayer]]);
    assert.equal(history.players, 1);
    assert.deepEqual(history.at(100 + POSITION_HISTORY_TICKS, "stayer"), { x: 5, y: 5, alive: true });
  });
  it("never shows a newcomer where a player who left was, though it takes that player's place", () => {
    const history = new PositionHistory<string>();
    history.record(1, [["gone", fighter(100, 100)]]);
    for (let tick = 2; tick <= 1 + POSITION_HISTORY_TICKS; tick++) history.record(tick, []);
    history.record(2 + POSITION_HISTORY_TICKS, [["new", fighter(7, 7)]]);
    for (let tick = 3; tick < 2 + POSITION_HISTORY_TICKS; tick++) assert.equal(history.at(tick, "new"), undefined, `tick ${tick}`);
    assert.deepEqual(history.at(2 + POSITION_HISTORY_TICKS, "new"), { x: 7, y: 7, alive: true });
    assert.equal(history.at(1, "gone"), undefined);
  });
  it("copies positions: later moves do not change the past", () => {
    const { history, target } = walkingAway(3);
    target.x = 999;
    assert.equal(history.at(3, "t")?.x, 120);
  });
});

describe("lag compensation: resolving against rewound positions", () => {
  it("hits a target that was in range at the claimed tick but is out of range now", () => {
    const { attacker, target, history } = walkingAway(10); // tick 6: 180 units away, now 260
    const everyone: Array<[string, Fighter]> = [["a", attacker], ["t", target]];
    assert.deepEqual(resolveRewoundAttack("a", attacker, everyone, history, 6).hits, [], "out of range at tick 6");
    assert.deepEqual(resolveRewoundAttack("a", attacker, everyone, history, 10).hits, [], "out of range now");
    const walker = walkingAway(6); // tick 2: 100 units away (in range), now 180
    const hit = resolveRewoundAttack("a", walker.attacker, [["a", walker.attacker], ["t", walker.target]], walker.history, 2);
    assert.deepEqual(hit.hits, ["t"]);
    assert.equal(walker.target.hp, MAX_HP - ATTACK_DAMAGE, "damage lands on the target as it is now");
    assert.ok(walker.target.x > ATTACK_RANGE);
  });
  it("misses when the claim is older than the cap and the target was out of range at the cap", () => {
    const { attacker, target, history } = walkingAway(10);
    // The target was within range at tick 1 (80), but the cap judges a claim of tick 1 at tick 5 (160).
    const seen = rewindTick(1, 10);
    assert.ok(seen.ok && seen.tick === 10 - LAG_COMPENSATION_MAX_TICKS);
    const outcome = resolveRewoundAttack("a", attacker, [["a", attacker], ["t", target]], history, seen.tick);
    assert.deepEqual(outcome.hits, []);
    assert.equal(target.hp, MAX_HP);
  });
  it("misses a target that was dead at the claimed tick, and one dead now", () => {
    const attacker = fighter(0, 0);
    const target = fighter(50, 0);
    const history = new PositionHistory<string>();
    target.alive = false;
    history.record(1, [["t", target]]);
    target.alive = true;
    history.record(2, [["t", target]]);
    assert.deepEqual(resolveRewoundAttack("a", attacker, [["t", target]], history, 1).hits, []);
    assert.deepEqual(resolveRewoundAttack("a", attacker, [["t", target]], history, 2).hits, ["t"]);
    target.alive = false;
    assert.deepEqual(resolveRewoundAttack("a", attacker, [["t", target]], history, 2).hits, []);
  });
  it("judges a target with no record at that tick (joined since) where it is now", () => {
    const attacker = fighter(0, 0);
    const newcomer = fighter(50, 0);
    const history = new PositionHistory<string>();
    history.record(1, [["a", attacker]]);
    assert.deepEqual(resolveRewoundAttack("a", attacker, [["a", attacker], ["n", newcomer]], history, 1).hits, ["n"]);
  });
});

describe("parsing: attack with a tick", () => {
  it("accepts { tick } as a whole number from 0 to 2^32-1, and {} as now", () => {
    assert.deepEqual(parseAttack({ tick: 0 }), { ok: true, value: { tick: 0 } });
    assert.deepEqual(parseAttack({ tick: MAX_TICK }), { ok: true, value: { tick: MAX_TICK } });
    assert.deepEqual(parseAttack({}), { ok: true, value: {} });
    assert.deepEqual(parseAttack(undefined), { ok: true, value: {} });
  });
  for (const tick of [-1, 1.5, NaN, Infinity, MAX_TICK + 1, "3", null, true]) {
    it(`refuses tick ${String(tick)}`, () => {
      const parsed = parseAttack({ tick });
      assert.ok(!parsed.ok && parsed.code === RefusalCode.invalidPayload && /attack\.tick/.test(parsed.message));
    });
  }
});

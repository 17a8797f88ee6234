import assert from "node:assert/strict";
import {
  MOVE_BUDGET_MS,
  STEP_PER_TICK,
  applyMove,
  attackBlocked,
  moveRefused,
  newMoveQueue,
  newPilot,
  stepPlayers,
  stepQueue,
  type MoveQueue,
  type Pilot,
  type Walker,
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
} from "../../server/shared/game";
import {
  ATTACK_COOLDOWN_MS,
  ATTACK_DAMAGE,
  ATTACK_RANGE,
  MAP_HEIGHT,
  MAP_WIDTH,
  MAX_HP,
  MAX_MOVES_PER_S,
  MAX_MOVES_PER_TICK,
  MAX_QUEUED_MOVES,
  MOVE_QUEUE_BUFFER,
  NAME_MAX_CHARS,
  RefusalCode,
  RESPAWN_DELAY_MS,
  SPAWN_CLEARANCE,
  TICK_MS,
  type MovePayload,
} from "../../server/shared/protocol";

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
    assert.equal(attackBlocked(attacker, ready, ready), undefined);
    assert.deepEqual(attackBlocked({ ...attacker, alive: false, hp: 0 }, 0, ready), { ok: false, code: RefusalCode.dead, message: "you are dead" });
  });

  it("admits a move only with a larger seq and room in the queue, else refuses it", () => {
    assert.equal(moveRefused(1, 0, 0), undefined);
    assert.equal(moveRefused(8, 5, MAX_QUEUED_MOVES - 1), undefined);
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

describe("rules: the tick step", () => {
  const walker = (x = 500, y = 500): Walker => ({ x, y, alive: true });
  const right = (seq: number): MovePayload => ({ dx: 1, dy: 0, seq });
  const queued = (count: number, clockMs = 0, firstSeq = 1): MoveQueue => {
    const queue = newMoveQueue(clockMs);
    for (let i = 0; i < count; i++) queue.moves.push(right(firstSeq + i));
    return queue;
  };

  it("applies one move per tick while the queue is within its buffer, and acknowledges it", () => {
    const me = walker();
    const queue = queued(MOVE_QUEUE_BUFFER + 1);
    assert.equal(stepQueue(me, queue, TICK_MS, map), 1);
    assert.deepEqual(me, { x: 500 + STEP_PER_TICK, y: 500, alive: true });
    assert.equal(queue.acked, 1);
    assert.equal(queue.moves.length, MOVE_QUEUE_BUFFER);
    assert.equal(stepQueue(me, queue, 2 * TICK_MS, map), 1, "a queue within the buffer gets one move");
    assert.equal(stepQueue(walker(), newMoveQueue(0), TICK_MS, map), 0, "an empty queue moves nothing");
  });

  it("drains a queue a stall filled, at most MAX_MOVES_PER_TICK a tick, down to the buffer and then, standing, to empty", () => {
    const me = walker();
    const queue = queued(MAX_QUEUED_MOVES);
    const applied: number[] = [];
    for (let tick = 1; queue.moves.length > 0; tick++) applied.push(stepQueue(me, queue, tick * TICK_MS, map));
    assert.ok(applied.every((n) => n <= MAX_MOVES_PER_TICK));
    assert.equal(applied.length, Math.ceil(MAX_QUEUED_MOVES / MAX_MOVES_PER_TICK));
    assert.equal(me.x, 500 + MAX_QUEUED_MOVES * STEP_PER_TICK);
  });

  it("keeps the jitter buffer while it empties within MOVE_QUEUE_STANDING_TICKS", () => {
    const queue = queued(0);
    // Two moves one tick, none the next: the buffer takes the jitter, one move a tick, no double step.
    for (let tick = 1, seq = 1; tick <= 40; tick++) {
      if (tick % 2 === 1) queue.moves.push(right(seq++), right(seq++));
      assert.equal(stepQueue(walker(), queue, tick * TICK_MS, map), 1, `tick ${tick}`);
    }
  });

  it("returns to the at-rest depth within a second of a stall while one move a tick arrives, its budget not emptied", () => {
    const me = walker(0);
    // The stall: a full queue delivered at once after 1.5 s without a tick (the budget refilled whole).
    const queue = queued(MAX_QUEUED_MOVES, 0);
    let seq = MAX_QUEUED_MOVES;
    const stallEnd = 1500;
    const depths: number[] = [];
    for (let tick = 0; tick < 2 * (1000 / TICK_MS); tick++) {
      queue.moves.push(right(++seq));
      stepQueue(me, queue, stallEnd + tick * TICK_MS, map);
      depths.push(queue.moves.length);
    }
    const atRest = depths.findIndex((_, i) => depths.slice(i).every((d) => d === 0));
    assert.ok(atRest >= 0 && atRest * TICK_MS < 1000, `at rest after ${atRest} ticks: ${depths.join(",")}`);
    assert.ok(queue.budgetMs >= TICK_MS, `budget left ${queue.budgetMs} ms`);
    assert.equal(queue.acked, seq, "every move acknowledged by the end");
  });

  it("acknowledges a dead player's moves without moving it, at the same pace", () => {
    const ghost = { ...walker(), alive: false };
    const queue = queued(3);
    assert.equal(stepQueue(ghost, queue, TICK_MS, map), 2);
    assert.deepEqual(ghost, { x: 500, y: 500, alive: false });
    assert.equal(queue.acked, 2);
    applyMove(ghost, right(3), map);
    assert.equal(ghost.x, 500);
  });

  it("gives a spammer its catch-up once, then one move per TICK_MS however full it keeps its queue", () => {
    const me = walker(0);
    const queue = newMoveQueue(0);
    let seq = 0;
    const applied: number[] = [];
    for (let tick = 1; tick <= 200; tick++) {
      while (queue.moves.length < MAX_QUEUED_MOVES) queue.moves.push(right(++seq));
      applied.push(stepQueue(me, queue, tick * TICK_MS, map));
    }
    const total = applied.reduce((a, b) => a + b, 0);
    assert.ok(total <= applied.length + MOVE_BUDGET_MS / TICK_MS, `took ${total} moves in ${applied.length} ticks`);
    assert.deepEqual(new Set(applied.slice(MOVE_BUDGET_MS / TICK_MS)), new Set([1]));
  });

  /**
   * A seeded run of one room: ticks every TICK_MS (plus jitter) with stalls in between, an honest
   * client sending one move per TICK_MS while fewer than MAX_QUEUED_MOVES are unacknowledged, and
   * a spammer topping its queue up to the limit; `latencyMs` each way.
   */
  function run(seed: number, latencyMs: number) {
    const rng = seededRng(seed);
    const durationMs = 20_000;
    const honest = { body: walker(0), queue: newMoveQueue(0), seq: 0, steps: [] as number[], sentAt: new Map<number, number>(), ackMs: [] as Array<[number, number]> };
    const spammer = { body: walker(0, 100), queue: newMoveQueue(0), seq: 0, steps: [] as number[] };
    const inFlight: Array<{ at: number; move: MovePayload }> = [];
    const acks: Array<{ at: number; seq: number }> = [];
    let acked = 0;
    let nextSend = 0;
    let nextTick = TICK_MS;
    const stalls: number[] = [];
    for (let now = 0; now < durationMs; now++) {
      while (acks.length && acks[0].at <= now) acked = Math.max(acked, acks.shift()!.seq);
      if (now >= nextSend) {
        nextSend += TICK_MS;
        if (honest.seq - acked < MAX_QUEUED_MOVES) {
          const move = right(++honest.seq);
          honest.sentAt.set(move.seq, now);
          inFlight.push({ at: now + latencyMs, move });
        }
      }
      if (now < nextTick) continue;
      while (inFlight.length && inFlight[0].at <= now) honest.queue.moves.push(inFlight.shift()!.move);
      while (spammer.queue.moves.length < MAX_QUEUED_MOVES) spammer.queue.moves.push(right(++spammer.seq));
      for (const p of [honest, spammer]) for (let n = stepQueue(p.body, p.queue, now, map); n > 0; n--) p.steps.push(now);
      const seq = honest.queue.acked;
      if (seq > 0 && !honest.ackMs.some(([s]) => s === seq)) honest.ackMs.push([seq, now + latencyMs - honest.sentAt.get(seq)!]);
      acks.push({ at: now + latencyMs, seq });
      // One tick in 40 is followed by a stall of up to 1.5 s; the rest come 0..3 ms late.
      const stall = rng() < 1 / 40 ? Math.floor(rng() * 1500) : 0;
      if (stall > 0) stalls.push(now);
      nextTick = now + TICK_MS + Math.floor(rng() * 4) + stall;
    }
    return { honest, spammer, stalls, durationMs };
  }

  const mostInOneSecond = (steps: number[]) => {
    let most = 0;
    for (let first = 0, last = 0; last < steps.length; last++) {
      while (steps[last] - steps[first] >= 1000) first++;
      most = Math.max(most, last - first + 1);
    }
    return most;
  };

  it(`never lets anyone, honest or spamming, take more than MAX_MOVES_PER_S (${MAX_MOVES_PER_S}) moves in any 1000 ms`, () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { honest, spammer } = run(seed, 75);
      assert.ok(mostInOneSecond(honest.steps) <= MAX_MOVES_PER_S, `seed ${seed}: honest ${mostInOneSecond(honest.steps)}`);
      assert.ok(mostInOneSecond(spammer.steps) <= MAX_MOVES_PER_S, `seed ${seed}: spammer ${mostInOneSecond(spammer.steps)}`);
      // Over the whole run the spammer is no faster than real time allows an honest player.
      assert.ok(spammer.steps.length <= (20_000 + MOVE_BUDGET_MS) / TICK_MS, `seed ${seed}: spammer took ${spammer.steps.length}`);
    }
  });

  it("brings an honest player's input delay back within a second of a stall, with the key held", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { honest, stalls } = run(seed, 75);
      // Both ways plus at most one tick of waiting (half a tick typically): no tick of standing queue.
      const steady = 2 * 75 + TICK_MS;
      for (const stall of stalls) {
        const late = honest.ackMs.filter(([seq]) => {
          const sent = honest.sentAt.get(seq)!;
          return sent >= stall + 1500 + 1000 && sent < stall + 1500 + 2000 && !stalls.some((s) => s > stall && s < sent + 1000);
        });
        if (late.length === 0) continue;
        const ms = late.map(([, ms]) => ms).sort((a, b) => a - b);
        const where = `seed ${seed}, ${(stall / 1000).toFixed(1)} s stall`;
        assert.ok(ms[Math.floor(ms.length / 2)] <= steady, `${where}: median ${ms[Math.floor(ms.length / 2)]} ms`);
        assert.ok(ms.at(-1)! <= steady + TICK_MS, `${where}: worst ${ms.at(-1)} ms`);
      }
    }
  });
});

describe("rules: one tick of every player", () => {
  it("moves every player and respawns the dead whose time has come, clear of the living", () => {
    const living = fighter(500, 500);
    const dead = { ...fighter(0, 0, 0), alive: false };
    const pilot = (respawnAt: number): Pilot => ({ ...newPilot(0), respawnAt });
    const seated = [[living, pilot(0)], [dead, pilot(RESPAWN_DELAY_MS)]] as const;
    seated[0][1].moves.push({ dx: 0, dy: 1, seq: 1 });
    stepPlayers(seated, { simMs: RESPAWN_DELAY_MS - TICK_MS, clockMs: TICK_MS }, seededRng(3), map);
    assert.deepEqual([living.x, living.y, seated[0][1].acked, dead.alive], [500, 500 + STEP_PER_TICK, 1, false]);
    stepPlayers(seated, { simMs: RESPAWN_DELAY_MS, clockMs: 2 * TICK_MS }, seededRng(3), map);
    assert.equal(dead.alive, true);
    assert.equal(dead.hp, MAX_HP);
    assert.ok(Math.hypot(dead.x - living.x, dead.y - living.y) >= SPAWN_CLEARANCE);
  });
});

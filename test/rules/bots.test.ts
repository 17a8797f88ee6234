import assert from "node:assert/strict";
import { BOT_FLEE_HP_FRACTION, BOT_SIGHT, BOT_WANDER_MS, botThink, botsWanted, nearestFoe, newBotMind, type BotBody } from "../../server/shared/bots";
import { seededRng } from "../../server/shared/game";
import { parseBattleOptions, parseMove } from "../../server/shared/parse";
import { ATTACK_COOLDOWN_MS, ATTACK_RANGE, BOTS_FILL_TO_MAX, MAX_HP } from "../../server/shared/tuning";

const body = (x: number, y: number, hp = MAX_HP, alive = true): BotBody => ({ x, y, hp, alive });

describe("bot behaviour", () => {
  it("chases the nearest living fighter within sight, and ignores the dead and the far", () => {
    const self = body(500, 500);
    const near = body(600, 500);
    const nearer = body(500, 450);
    const dead = body(505, 500, 0, false);
    assert.equal(nearestFoe(self, [self, near, nearer, dead]), nearer);
    assert.equal(nearestFoe(self, [body(500 + BOT_SIGHT + 1, 500)]), undefined);
    const intent = botThink(newBotMind(), self, [self, near, nearer, dead], 0, seededRng(1));
    assert.equal(intent.mode, "chase");
    assert.deepEqual(intent.move, { dx: 0, dy: -1 });
  });

  it("attacks a fighter in range, then not again until the cooldown has passed", () => {
    const mind = newBotMind();
    const self = body(100, 100);
    const foe = body(100 + ATTACK_RANGE, 100);
    assert.equal(botThink(mind, self, [foe], 1000, seededRng(1)).attack, true);
    assert.equal(botThink(mind, self, [foe], 1000 + ATTACK_COOLDOWN_MS - 1, seededRng(1)).attack, false);
    assert.equal(botThink(mind, self, [foe], 1000 + ATTACK_COOLDOWN_MS, seededRng(1)).attack, true);
    assert.equal(botThink(newBotMind(), self, [body(100 + ATTACK_RANGE + 1, 100)], 0, seededRng(1)).attack, false);
  });

  it("flees from the nearest fighter at low HP, without attacking", () => {
    const self = body(500, 500, Math.floor(MAX_HP * BOT_FLEE_HP_FRACTION));
    const intent = botThink(newBotMind(), self, [body(550, 500)], 0, seededRng(1));
    assert.equal(intent.mode, "flee");
    assert.equal(intent.attack, false);
    assert.deepEqual(intent.move, { dx: -1, dy: 0 });
  });

  it("wanders alone in one direction for BOT_WANDER_MS, then picks another, the same for the same seed", () => {
    const run = (seed: number) => {
      const mind = newBotMind();
      const rng = seededRng(seed);
      return [0, BOT_WANDER_MS - 1, BOT_WANDER_MS].map((t) => botThink(mind, body(0, 0), [], t, rng));
    };
    const [first, same, next] = run(7);
    assert.equal(first!.mode, "wander");
    assert.deepEqual(same!.move, first!.move);
    assert.notDeepEqual(next!.move, first!.move);
    assert.deepEqual(run(7), [first, same, next]);
    assert.ok(Math.abs(Math.hypot(first!.move.dx, first!.move.dy) - 1) < 1e-9);
  });

  it("does nothing while dead", () => {
    assert.deepEqual(botThink(newBotMind(), body(0, 0, 0, false), [body(10, 0)], 0, seededRng(1)), { move: { dx: 0, dy: 0 }, attack: false, mode: "dead" });
  });

  it("always sends a move the parser accepts", () => {
    const rng = seededRng(3);
    for (let i = 0; i < 500; i++) {
      const self = body(Math.floor(rng() * 1000), Math.floor(rng() * 1000), Math.ceil(rng() * MAX_HP));
      const others = [body(Math.floor(rng() * 1000), Math.floor(rng() * 1000)), body(self.x, self.y)];
      const { move } = botThink(newBotMind(), self, others, i * 50, rng);
      const parsed = parseMove({ ...move, seq: i + 1 });
      assert.ok(parsed.ok, `move ${JSON.stringify(move)} refused`);
    }
  });

  it("fills a battle up to fillTo fighters, never past its capacity, and none in an empty one", () => {
    assert.equal(botsWanted(3, 1, 16), 2);
    assert.equal(botsWanted(3, 2, 16), 1);
    assert.equal(botsWanted(3, 3, 16), 0);
    assert.equal(botsWanted(3, 5, 16), 0);
    assert.equal(botsWanted(3, 1, 2), 1);
    assert.equal(botsWanted(0, 1, 16), 0);
    assert.equal(botsWanted(3, 0, 16), 0);
  });

  it("reads the bots room option: a whole number from 0 to BOTS_FILL_TO_MAX, absent means the server's setting", () => {
    const read = (bots: unknown) => parseBattleOptions({ bots });
    assert.deepEqual(read(0), { ok: true, value: { name: undefined, maxPlayers: 16, private: false, bots: 0 } });
    const absent = parseBattleOptions({});
    assert.ok(absent.ok);
    assert.equal(absent.value.bots, undefined);
    for (const bad of [-1, 1.5, BOTS_FILL_TO_MAX + 1, "3", NaN, Infinity, null]) {
      const refused = read(bad);
      assert.equal(refused.ok, false, `bots: ${String(bad)}`);
      assert.match((refused as { message: string }).message, /^bots must be a whole number from 0 to /);
    }
  });
});

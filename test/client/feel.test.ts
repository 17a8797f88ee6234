/**
 * The pure parts of the battle's look and feel, without a browser: player looks, facing, label
 * placement, effects from server events, and the own player's motion when a key is released.
 */
import assert from "node:assert/strict";
import { newMoveQueue, stepQueue, seededRng, type Direction, type MapSize } from "../../server/shared/game";
import { MAP_HEIGHT, MAP_WIDTH, TICK_MS } from "../../server/shared/tuning";
import type { MovePayload } from "../../server/shared/payloads";
import { Effects, EFFECT_DURATION_MS, MAX_EFFECTS, stateChanges, type Effect } from "../../client/effects";
import { Facing, FACING_DEFAULT_RAD } from "../../client/facing";
import { BattleFeel } from "../../client/feel";
import { labelAlpha, placeLabels, LABEL_MIN_ALPHA, type LabelRequest } from "../../client/labels";
import { LOOK_COUNT, Looks, lookOf, PALETTE, SHAPES } from "../../client/look";
import { OwnMotion } from "../../client/ownMotion";
import type { Cue } from "../../client/sound";
import type { PlayerState } from "../../client/state";

const MAP: MapSize = { width: MAP_WIDTH, height: MAP_HEIGHT };
const RIGHT: Direction = { dx: 1, dy: 0 };

const player = (over: Partial<PlayerState> = {}): PlayerState => ({
  name: "Ann", x: 100, y: 100, hp: 100, alive: true, kills: 0, deaths: 0, bot: false, lastInput: 0, inView: true, ...over,
});

describe("client: player looks", () => {
  it("gives a name the same colour and shape every time, and uses every colour and shape", () => {
    assert.deepEqual(lookOf("Ann"), lookOf("Ann"));
    const looks = Array.from({ length: 400 }, (_, i) => lookOf(`Player${i}`));
    assert.equal(new Set(looks.map((l) => l.colour)).size, PALETTE.length);
    assert.equal(new Set(looks.map((l) => l.shape)).size, SHAPES.length);
  });

  it("varies the shape within a colour, so colour-blind players can tell two players apart by outline", () => {
    const looks = Array.from({ length: 400 }, (_, i) => lookOf(`Player${i}`));
    for (const colour of PALETTE) {
      const shapes = new Set(looks.filter((l) => l.colour === colour).map((l) => l.shape));
      assert.ok(shapes.size >= 4, `${colour} comes in ${shapes.size} shapes`);
    }
  });
});

describe("client: the looks of a room", () => {
  const key = (look: { colour: string; shape: string }) => `${look.colour} ${look.shape}`;

  it("gives every player of a room a look of its own while there are looks to spare", () => {
    const looks = new Looks();
    const names = Array.from({ length: LOOK_COUNT }, (_, i) => `Player${i}`);
    looks.assign(names);
    assert.equal(new Set(names.map((name) => key(looks.of(name)))).size, LOOK_COUNT);
  });

  it("keeps the looks of the players already there when another joins, and gives a name its own look when free", () => {
    const looks = new Looks();
    looks.assign(["Ann", "Ben"]);
    const before = [key(looks.of("Ann")), key(looks.of("Ben"))];
    looks.assign(["Ann", "Ben", "Cat"]);
    assert.deepEqual([key(looks.of("Ann")), key(looks.of("Ben"))], before);
    assert.equal(key(looks.of("Ann")), key(lookOf("Ann")), "the first keeps its name's look");
    assert.equal(key(lookOf("Ann")), key(lookOf("Ben")), "Ann's and Ben's names hash to one look");
    assert.notEqual(key(looks.of("Ben")), key(looks.of("Ann")), "so Ben, who came second, gives way");
    assert.notEqual(key(looks.of("Cat")), key(looks.of("Ann")));
    assert.notEqual(key(looks.of("Cat")), key(looks.of("Ben")));
  });
});

describe("client: facing", () => {
  it("faces the way a player last moved, and keeps it while the player stands", () => {
    const facing = new Facing();
    facing.beginFrame();
    assert.equal(facing.update("a", 100, 100), FACING_DEFAULT_RAD);
    facing.beginFrame();
    assert.equal(facing.update("a", 103, 100), 0);
    facing.beginFrame();
    assert.equal(facing.update("a", 103.2, 100.1), 0, "a tiny drift keeps the heading");
    facing.beginFrame();
    assert.equal(facing.update("a", 103, 97), -Math.PI / 2);
    assert.equal(facing.of("a"), -Math.PI / 2);
  });

  it("ignores a respawn's jump", () => {
    const facing = new Facing();
    facing.update("a", 100, 100);
    facing.update("a", 105, 100);
    facing.update("a", 700, 900);
    assert.equal(facing.of("a"), 0);
    facing.update("a", 700, 905);
    assert.equal(facing.of("a"), Math.PI / 2, "walking from the new spot counts again");
  });
});

describe("client: labels", () => {
  const label = (id: string, x: number, y: number, priority: number, width = 60): LabelRequest => ({ id, x, y, width, height: 15, priority });
  const overlap = (a: { left: number; top: number; width: number; height: number }, b: typeof a) =>
    a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

  it("never lets two labels overlap: two adjacent players' labels stack", () => {
    const placed = placeLabels([label("me", 200, 200, -1, 80), label("ben", 215, 203, 15)], { width: 800, height: 600 });
    assert.equal(placed.length, 2);
    assert.equal(placed[0].id, "me");
    assert.equal(placed[0].stacked, 0, "the own label keeps its place");
    assert.ok(placed[1].stacked >= 1, "the other label stacks above");
    assert.ok(!overlap(placed[0], placed[1]));
  });

  it("leaves out the least important labels of a crowd instead of overlapping them", () => {
    const rng = seededRng(7);
    const crowd = Array.from({ length: 300 }, (_, i) => label(`p${i}`, 300 + rng() * 200, 300 + rng() * 120, i));
    const placed = placeLabels(crowd, { width: 800, height: 600 });
    assert.ok(placed.length > 10 && placed.length < crowd.length, `${placed.length} placed`);
    for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) assert.ok(!overlap(placed[i], placed[j]), `${placed[i].id} / ${placed[j].id}`);
    assert.equal(placed[0].id, "p0", "the most important first");
  });

  it("keeps labels on screen at its edges", () => {
    const [left, top] = placeLabels([label("a", 5, 100, 0), label("b", 400, 3, 1)], { width: 800, height: 600 });
    assert.equal(left.left, 0);
    assert.equal(top.top, 0);
  });

  it("fades far labels down to a floor", () => {
    assert.equal(labelAlpha(0), 1);
    assert.ok(labelAlpha(400) < 1 && labelAlpha(400) > LABEL_MIN_ALPHA);
    assert.ok(Math.abs(labelAlpha(5000) - LABEL_MIN_ALPHA) < 1e-9);
  });
});

describe("client: effects from what the server says", () => {
  it("shows HP lost, a death and a respawn from state changes of a player in view, and nothing else", () => {
    assert.deepEqual(stateChanges(player({ hp: 30 }), player({ hp: 20 })), [{ kind: "damage", amount: 10 }]);
    assert.deepEqual(stateChanges(player({ hp: 10 }), player({ hp: 0, alive: false })), [{ kind: "damage", amount: 10 }, { kind: "death" }]);
    assert.deepEqual(stateChanges(player({ hp: 0, alive: false }), player({ hp: 100 })), [{ kind: "respawn" }]);
    assert.deepEqual(stateChanges(undefined, player()), [], "joining is not an event");
    assert.deepEqual(stateChanges(player({ inView: false, hp: 100 }), player({ hp: 40 })), [], "coming into view is not an event");
    assert.deepEqual(stateChanges(player({ hp: 40 }), player({ hp: 40, x: 300 })), []);
  });

  it("turns an attack into a swing round the attacker and a hit on each player the server named, with cues for the own player", () => {
    const cues: Cue[] = [];
    const facing = new Facing();
    facing.update("ann", 100, 100);
    facing.update("ann", 100, 103);
    const feel = new BattleFeel("ann", facing, (cue) => cues.push(cue));
    const players = new Map([["ben", player({ name: "Ben", x: 150 })]]);
    feel.attacked({ by: "ann", x: 100, y: 103, hits: ["ben"] }, players, 1000);
    const live = feel.effects.live(1000);
    assert.deepEqual(live.map((e) => [e.kind, e.playerId, e.mine]), [["swing", "ann", true], ["hit", "ben", true]]);
    assert.equal(live[0].angle, Math.PI / 2, "the swing starts where the attacker faces");
    assert.deepEqual(cues, ["hit"]);
    feel.attacked({ by: "cat", x: 500, y: 500, hits: [] }, players, 1001);
    assert.deepEqual(cues, ["hit"], "a miss between others is silent");
    feel.changed("ann", player({ alive: false, hp: 0 }), player(), 1002);
    assert.deepEqual(cues, ["hit", "respawn"]);
    feel.killed({ killer: "ann", killerName: "Ann", victim: "ben", victimName: "Ben", respawnInMs: 3000 });
    assert.deepEqual(cues, ["hit", "respawn", "death"]);
  });

  it("drops finished effects and keeps at most MAX_EFFECTS", () => {
    const effects = new Effects();
    const effect = (start: number): Effect => ({ kind: "hit", start, playerId: "a", x: 0, y: 0, angle: 0, amount: 0, mine: false });
    effects.add(effect(0));
    assert.equal(effects.live(EFFECT_DURATION_MS.hit - 1).length, 1);
    assert.equal(effects.live(EFFECT_DURATION_MS.hit).length, 0);
    for (let i = 0; i < MAX_EFFECTS + 50; i++) effects.add(effect(10_000 + i));
    assert.equal(effects.live(10_000).length, MAX_EFFECTS);
  });
});

/**
 * Holds a key for `holdMs`, releases it, and plays on until everything is acknowledged: the page's
 * pacer (one move per TICK_MS, timers 0-4 ms late), the room's tick (stepQueue, optionally stalled),
 * and `rttMs` of network with `jitterMs` per message each way, in order as over TCP. Returns the own
 * player's drawn x on every 60 Hz frame, where the server left it, and the corrections.
 */
function holdAndRelease(holdMs: number, rttMs: number, jitterMs: number, seed: number, stall?: { from: number; ms: number }) {
  const rng = seededRng(seed);
  const motion = new OwnMotion();
  const server = { x: 100, y: 500, alive: true };
  const queue = newMoveQueue(0);
  motion.reconcile(server, 0, true, MAP);
  const toServer: Array<{ at: number; move: MovePayload }> = [];
  const toClient: Array<{ at: number; x: number; y: number; ack: number }> = [];
  const late = (lastAt: number, now: number) => Math.max(lastAt, now + rttMs / 2 + rng() * jitterMs);
  const frameMs = 1000 / 60;
  const drawn: number[] = [];
  let nextInput = 0;
  let nextTick = TICK_MS;
  let nextFrame = frameMs;
  const endMs = holdMs + 2000;
  for (let now = 0; now <= endMs; now += 0.25) {
    if (now >= nextInput && now < holdMs) {
      if (motion.canSend()) toServer.push({ at: late(toServer.at(-1)?.at ?? 0, now), move: motion.move(RIGHT, MAP, now) });
      nextInput += TICK_MS + rng() * 4;
    }
    const stalled = stall && now >= stall.from && now < stall.from + stall.ms;
    if (now >= nextTick && !stalled) {
      while (toServer.length && toServer[0].at <= now) queue.moves.push(toServer.shift()!.move);
      stepQueue(server, queue, now, MAP);
      toClient.push({ at: late(toClient.at(-1)?.at ?? 0, now), x: server.x, y: server.y, ack: queue.acked });
      nextTick += TICK_MS;
    }
    while (toClient.length && toClient[0].at <= now) {
      const patch = toClient.shift()!;
      motion.reconcile({ x: patch.x, y: patch.y, alive: true }, patch.ack, true, MAP);
    }
    if (now >= nextFrame) {
      drawn.push(motion.at(now)!.x);
      nextFrame += frameMs;
    }
  }
  return { drawn, settled: server.x, pending: motion.pending, corrections: motion.corrections };
}

describe("client: the own player when a key is released", () => {
  for (const [rttMs, jitterMs] of [[0, 0], [150, 10], [150, 40], [300, 20]]) {
    it(`never moves against the direction of travel and stops where the prediction stops (${rttMs} ms RTT, ${jitterMs} ms jitter, 12 runs)`, () => {
      for (let run = 0; run < 12; run++) {
        const holdMs = 300 + run * 137;
        const { drawn, settled, pending, corrections } = holdAndRelease(holdMs, rttMs, jitterMs, 11 + run);
        for (let i = 1; i < drawn.length; i++) assert.ok(drawn[i] >= drawn[i - 1], `run ${run}: drawn back at frame ${i}: ${drawn[i - 1]} -> ${drawn[i]}`);
        assert.ok(Math.max(...drawn) <= settled, `run ${run}: drawn at ${Math.max(...drawn)}, past ${settled} where it settles`);
        assert.equal(drawn.at(-1), settled, `run ${run}: stops where the server has it`);
        assert.equal(pending, 0);
        assert.equal(corrections, 0);
      }
    });
  }

  it("stays on its path through a server stall that is caught up two moves a tick", () => {
    const { drawn, settled, corrections } = holdAndRelease(1200, 150, 10, 5, { from: 500, ms: 400 });
    for (let i = 1; i < drawn.length; i++) assert.ok(drawn[i] >= drawn[i - 1], `drawn back at frame ${i}`);
    assert.equal(drawn.at(-1), settled);
    assert.equal(corrections, 0);
  });
});

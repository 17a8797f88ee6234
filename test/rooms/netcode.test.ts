import assert from "node:assert/strict";
import { Client } from "colyseus.js";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { INTERPOLATION_DELAY_MS, Interpolator, ServerClock, shownTick } from "../../client/interpolation";
import { Predictor } from "../../client/prediction";
import type { BattleStateView, ClientStates } from "../../client/state";
import { STEP_PER_TICK, type Direction, type Point } from "../../server/shared/game";
import {
  ATTACK_RANGE,
  ClientMessage,
  INTEREST_CELL,
  INTEREST_HYSTERESIS,
  LAG_COMPENSATION_MAX_TICKS,
  MAP_HEIGHT,
  MAP_WIDTH,
  MAX_HP,
  RefusalCode,
  RoomName,
  ServerMessage,
  TICK_MS,
} from "../../server/shared/protocol";
import { latencyProxy, type LatencyProxy } from "../helpers/latency";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { collect, hearAll, nextError, nextMessage, sdkOf, until } from "../helpers/rooms";
import { BattleRoom } from "../../server/rooms/BattleRoom";
import { INTEREST_ON, INTEREST_ROOM, useServer } from "../helpers/server";
import { EVENT_TIMEOUT_MS, eventually } from "../helpers/wait";
import { asRoom, send, type GameRoom } from "../../client/rooms";

type Battle = GameRoom<"battle", BattleStateView>;

/** Documented bound (docs/netcode.md): the predicted own position vs the server's, same input, in world units. */
const PREDICTION_MAX_ERROR = 1;
/** The round trip the netcode must play well at, and a small jitter on top (each way). */
const RTT_MS = 150;
const JITTER_MS = 10;

/** Seats of the interest room: a map of 1415 x 1415, so 4 x 4 cells. */
const INTEREST_ROOM_SEATS = 200;

/**
 * What a player's screen shows, computed as client/battle.ts does: a server clock from the patches'
 * ticks, other players interpolated INTERPOLATION_DELAY_MS behind it.
 */
class Screen {
  private readonly clock = new ServerClock();
  private readonly others = new Map<string, Interpolator>();

  constructor(room: Battle) {
    room.onStateChange((state) => {
      const serverTime = state.tick * TICK_MS;
      this.clock.observe(serverTime, performance.now());
      state.players.forEach((p, id) => {
        if (id === room.sessionId || p.x === undefined || p.y === undefined) return;
        if (!this.others.has(id)) this.others.set(id, new Interpolator());
        this.others.get(id)!.push(serverTime, { x: p.x, y: p.y });
      });
    });
  }

  /** Where `id` is drawn now. */
  shown(id: string): Point | null {
    const now = this.clock.now(performance.now());
    return now === null ? null : (this.others.get(id)?.at(now - INTERPOLATION_DELAY_MS) ?? null);
  }

  /** The tick an attack sent now names. */
  tick(): number {
    return shownTick(this.clock.now(performance.now())!);
  }
}

describe("netcode", function () {
  this.timeout(20_000);
  const proxies: LatencyProxy[] = [];
  const stops: Array<() => void> = [];
  // The clean-up runs between these two: walkers stop first, proxies close once the rooms are gone.
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });
  const server = useServer(INTEREST_ON, { rooms: { [INTEREST_ROOM]: BattleRoom } });
  afterEach(async () => {
    for (const proxy of proxies.splice(0)) await proxy.close();
  });

  async function joinThrough(endpoint: string | null, roomId?: string, roomName: string = RoomName.battle): Promise<Battle> {
    const sdk = endpoint === null ? server.sdk : new Client(endpoint);
    // An interest room needs a map too big to show whole, or everyone sees everyone.
    const options = roomName === INTEREST_ROOM ? { maxPlayers: INTEREST_ROOM_SEATS } : {};
    const room = roomId
      ? await sdkOf<ClientStates>(sdk).joinById(RoomName.battle, roomId, {})
      : // `roomName` may be the interest-managed battle defined under a test name.
        asRoom(RoomName.battle, await sdk.create<BattleStateView>(roomName, options));
    hearAll(room);
    await until(room, (s) => s.players?.get(room.sessionId)?.x !== undefined, "own player");
    return room;
  }

  async function laggy(rttMs: number): Promise<string> {
    const proxy = await latencyProxy(server.port, { rttMs, jitterMs: JITTER_MS, seed: rttMs });
    proxies.push(proxy);
    return proxy.endpoint;
  }

  /** Teleports a player on the server (test setup) and waits until `observer` sees it there. */
  async function place(observer: Battle, sessionId: string, x: number, y: number) {
    const player = server.getRoomById<BattleState>(observer.roomId).state.players.get(sessionId)!;
    Object.assign(player, { x, y });
    await until(observer, (s) => s.players.get(sessionId)?.x === x && s.players.get(sessionId)?.y === y, `player at ${x},${y}`);
  }

  /** The target walks in +x at full speed: one move per patch it receives, so one per tick. */
  function walkRight(target: Battle): void {
    let seq = 0;
    const step = () => send(target, ClientMessage.move, { dx: 1, dy: 0, seq: ++seq });
    target.onStateChange(step);
    stops.push(() => target.onStateChange.remove(step));
  }

  /**
   * The lag-compensation scene: a target starts next to the attacker (who connects through `endpoint`)
   * and walks away; the attacker attacks the moment its screen shows the target 80-100 units away, in
   * range, naming the tick it shows. Returns what the server answered and where things were.
   */
  async function attackWhatTheScreenShows(endpoint: string) {
    const target = await joinThrough(null);
    const attacker = await joinThrough(endpoint, target.roomId);
    const room = server.getRoomById<BattleState>(target.roomId);
    await place(attacker, attacker.sessionId, 100, 500);
    await place(attacker, target.sessionId, 150, 500);
    const screen = new Screen(attacker);
    walkRight(target);
    let heardByTarget: Promise<number> | undefined;
    // Polled every 2 ms: about a frame's precision for the moment of the click.
    const shot = await eventually(() => {
      const seen = screen.shown(target.sessionId);
      if (!seen || seen.x - 100 < 80 || seen.x - 100 > ATTACK_RANGE) return null;
      const tick = screen.tick();
      // Where the target really is on the server at the moment of the click.
      const serverDistance = room.state.players.get(target.sessionId)!.x - 100;
      heardByTarget = nextMessage(target, ServerMessage.attacked).then(() => room.state.tick);
      send(attacker, ClientMessage.attack, { tick });
      return { shownDistance: seen.x - 100, tick, serverDistance };
    }, "the target 80-100 units away on the attacker's screen", EVENT_TIMEOUT_MS, 2);
    const attacked = await nextMessage(attacker, ServerMessage.attacked);
    // The attack was judged when the (undelayed) target heard about it; the tick then, give or take one.
    const judgedAtTick = await heardByTarget!;
    return { ...shot, attacked, judgedAtTick, target, attacker, targetHp: room.state.players.get(target.sessionId)!.hp };
  }

  describe("lag compensation", () => {
    it(`hits at ${RTT_MS} ms round trip a target that was in range on the attacker's screen but has since left`, async () => {
      const scene = await attackWhatTheScreenShows(await laggy(RTT_MS));
      assert.ok(scene.serverDistance > ATTACK_RANGE, `on the server the target was already ${scene.serverDistance} units away: an uncompensated attack misses`);
      assert.deepEqual(scene.attacked.hits, [scene.target.sessionId], `shown ${scene.shownDistance} units away at tick ${scene.tick}`);
      assert.equal(scene.targetHp, MAX_HP - 10);
      assert.ok(scene.judgedAtTick - scene.tick <= LAG_COMPENSATION_MAX_TICKS + 1, "the claim was within the cap");
    });

    it("misses when the attacker's screen is older than the cap (400 ms round trip): judged at the cap", async () => {
      const scene = await attackWhatTheScreenShows(await laggy(400));
      assert.ok(scene.judgedAtTick - scene.tick > LAG_COMPENSATION_MAX_TICKS + 1, `claim ${scene.tick} judged at ${scene.judgedAtTick}`);
      assert.deepEqual(scene.attacked.hits, [], `shown ${scene.shownDistance} units away, but at the cap it was out of range`);
      assert.equal(scene.targetHp, MAX_HP);
    });

    it("refuses an attack naming a tick that has not happened, and still takes {} as now", async () => {
      const a = await joinThrough(null);
      const b = await joinThrough(null, a.roomId);
      await place(a, b.sessionId, 300, 300);
      await place(a, a.sessionId, 350, 300);
      send(a, ClientMessage.attack, { tick: a.state.tick + 100 });
      const error = await nextError(a);
      assert.equal(error.code, RefusalCode.futureTick);
      assert.equal(error.type, ClientMessage.attack);
      send(a, ClientMessage.attack, {});
      assert.deepEqual((await nextMessage(a, ServerMessage.attacked)).hits, [b.sessionId]);
    });
  });

  describe("prediction and reconciliation", () => {
    it(`keeps the own player within ${PREDICTION_MAX_ERROR} unit of the server at ${RTT_MS} ms round trip, in straight lines and turns`, async () => {
      const room = await joinThrough(await laggy(RTT_MS));
      await place(room, room.sessionId, 300, 300);
      const map = { width: room.state.width, height: room.state.height };
      const predictor = new Predictor();
      const predictedAfter = new Map<number, Point>();
      let worstAckError = 0;
      let worstCorrection = 0;
      let compared = 0;
      room.onStateChange((state) => {
        const me = state.players.get(room.sessionId)!;
        const before = predictor.position;
        const server = { x: me.x!, y: me.y!, alive: me.alive!, lastInput: me.lastInput! };
        const after = predictor.reconcile(server, map);
        if (before) worstCorrection = Math.max(worstCorrection, Math.hypot(after.x - before.x, after.y - before.y));
        const predicted = predictedAfter.get(server.lastInput);
        if (predicted) {
          worstAckError = Math.max(worstAckError, Math.hypot(predicted.x - server.x, predicted.y - server.y));
          compared++;
          predictedAfter.delete(server.lastInput);
        }
      });
      await until(room, () => predictor.position !== null, "first reconcile");

      // Straight lines, right-angle turns, diagonals, reversals and quick zig-zags: 100 client ticks.
      const path: Direction[] = [
        ...Array(20).fill({ dx: 1, dy: 0 }),
        ...Array(15).fill({ dx: 0, dy: 1 }),
        ...Array(15).fill({ dx: Math.SQRT1_2, dy: -Math.SQRT1_2 }),
        ...Array(10).fill({ dx: -1, dy: 0 }),
        ...Array.from({ length: 40 }, (_, i) => (Math.floor(i / 3) % 2 ? { dx: 0.6, dy: 0.8 } : { dx: -0.8, dy: 0.3 })),
      ];
      let sent = 0;
      await new Promise<void>((resolve) => {
        const pacer = setInterval(() => {
          if (sent === path.length) return resolve(clearInterval(pacer));
          if (!predictor.canSend()) return;
          const move = predictor.input(path[sent++], map);
          predictedAfter.set(move.seq, predictor.position!);
          send(room, ClientMessage.move, move);
        }, TICK_MS);
        stops.push(() => clearInterval(pacer));
      });
      await until(room, (s) => s.players.get(room.sessionId)!.lastInput === path.length, "every move acknowledged");

      const me = room.state.players.get(room.sessionId)!;
      assert.ok(Math.hypot(me.x! - 300, me.y! - 300) > 20 * STEP_PER_TICK, "the player really travelled");
      assert.ok(compared >= path.length * 0.8, `compared ${compared} acknowledgements of ${path.length}`);
      assert.ok(worstAckError <= PREDICTION_MAX_ERROR, `predicted vs server for the same move: ${worstAckError}`);
      assert.ok(worstCorrection <= PREDICTION_MAX_ERROR, `largest correction on reconcile: ${worstCorrection}`);
      assert.deepEqual(predictor.position, { x: me.x, y: me.y }, "at rest the prediction is exactly the server's position");
      console.log(`      prediction at ${RTT_MS} ms RTT: ${compared} acks compared, worst error ${worstAckError}, worst correction ${worstCorrection}`);
    });
  });

  describe("interest management (cell views)", () => {
    it("sends positions of players in the cells around only, keeps names and scores of all, and always the own player", async () => {
      const a = await joinThrough(null, undefined, INTEREST_ROOM);
      const near = await joinThrough(null, a.roomId);
      const far = await joinThrough(null, a.roomId);
      const room = server.getRoomById<BattleState>(a.roomId);
      // a in cell 0, near in cell 1, far in cell 2: far and a are out of each other's view, near is in both.
      await place(a, a.sessionId, 100, 100);
      await place(a, near.sessionId, INTEREST_CELL + 100, 100);
      const farPlayer = room.state.players.get(far.sessionId)!;
      Object.assign(farPlayer, { x: 2 * INTEREST_CELL + 100, y: 100, kills: 7 });
      await until(a, (s) => s.players.get(far.sessionId)?.kills === 7 && s.players.get(far.sessionId)?.x === undefined, "far player's score, not its position");
      const seenFar = a.state.players.get(far.sessionId)!;
      assert.equal(seenFar.hp, undefined);
      assert.equal(typeof seenFar.name, "string", "its name is there for the scoreboard");
      assert.equal(a.state.players.get(near.sessionId)!.x, INTEREST_CELL + 100);
      await until(far, (s) => s.players.get(far.sessionId)?.x === farPlayer.x && s.players.get(near.sessionId)?.x === INTEREST_CELL + 100, "far client's view");
      assert.equal(far.state.players.get(a.sessionId)?.x, undefined, "and the far one does not see us");

      // Walking in: in cell 1 it shows up; back just past the border it keeps cell 1 (hysteresis).
      await place(a, far.sessionId, INTEREST_CELL + 300, 100);
      await place(a, far.sessionId, 2 * INTEREST_CELL + INTEREST_HYSTERESIS - 1, 100);
      farPlayer.x = 2 * INTEREST_CELL + INTEREST_HYSTERESIS;
      await until(far, (s) => s.players.get(far.sessionId)?.x === farPlayer.x, "far moved on");
      await until(a, (s) => s.players.get(far.sessionId)?.x === undefined, "far player out of view again");
      assert.equal(a.state.players.get(far.sessionId)!.kills, 7);
    });

    it("sends every position in a room whose map the client shows whole, even with interest management on", async () => {
      const a = asRoom(RoomName.battle, await server.sdk.create<BattleStateView>(INTEREST_ROOM));
      hearAll(a);
      const b = await joinThrough(null, a.roomId);
      await until(a, (s) => s.players.get(a.sessionId)?.x !== undefined, "own player");
      await place(a, a.sessionId, 0, 0);
      await place(b, b.sessionId, MAP_WIDTH, MAP_HEIGHT);
      await until(a, (s) => s.players.get(b.sessionId)?.x === MAP_WIDTH, "the far corner's player");
    });

    it("sends each client its own ack only", async () => {
      const a = await joinThrough(null, undefined, INTEREST_ROOM);
      const b = await joinThrough(null, a.roomId);
      await place(a, a.sessionId, 100, 100);
      await place(a, b.sessionId, 120, 100);
      send(b, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
      await until(b, (s) => s.players.get(b.sessionId)!.lastInput === 1, "own ack");
      await until(a, (s) => s.players.get(b.sessionId)?.x !== 120, "b's move");
      assert.equal(a.state.players.get(b.sessionId)!.lastInput, undefined, "nobody else gets b's ack");
    });

    it("sends `attacked` only to clients whose view holds the attacker or a victim", async () => {
      const a = await joinThrough(null, undefined, INTEREST_ROOM);
      const near = await joinThrough(null, a.roomId);
      const far = await joinThrough(null, a.roomId);
      await place(a, a.sessionId, 100, 100);
      await place(a, near.sessionId, 150, 100);
      await place(far, far.sessionId, 900, 900);
      const farHeard = collect(far, ServerMessage.attacked);
      const nearHeard = nextMessage(near, ServerMessage.attacked);
      send(a, ClientMessage.attack, {});
      assert.deepEqual((await nextMessage(a, ServerMessage.attacked)).hits, [near.sessionId]);
      assert.equal((await nearHeard).by, a.sessionId, "the victim hears of it");
      // The far player's own attack reaches it after anything sent before it: a's never came.
      const own = nextMessage(far, ServerMessage.attacked);
      send(far, ClientMessage.attack, {});
      assert.equal((await own).by, far.sessionId);
      assert.deepEqual(farHeard.map((e) => e.by), [far.sessionId]);
    });
  });
});

describe("input catch-up (a real server process, stopped and continued)", function () {
  this.timeout(40_000);
  const STALL_MS = 1500;
  /** How soon after a stall move→ack must be back, and how close to before. */
  const RECOVERY_MS = 1000;
  /** Half a tick: a queue left one move deep would add a whole one. */
  const RECOVERED_WITHIN_MS = TICK_MS / 2;
  let server: ServerProcess | undefined;
  let proxy: LatencyProxy | undefined;
  const stops: Array<() => void> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await proxy?.close();
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  });

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

  it(`brings move→ack back within ${RECOVERED_WITHIN_MS} ms of before within ${RECOVERY_MS / 1000} s of a ${STALL_MS / 1000} s server stall, the key held (${RTT_MS} ms RTT)`, async () => {
    server = await spawnServer({});
    await server.line((line) => line.msg === "listening", "server listening");
    proxy = await latencyProxy(server.port, { rttMs: RTT_MS, jitterMs: JITTER_MS, seed: 14 });
    const room: Battle = hearAll(await sdkOf<ClientStates>(new Client(proxy.endpoint)).create(RoomName.battle, {}));
    const map = { width: MAP_WIDTH, height: MAP_HEIGHT };
    const predictor = new Predictor();
    const sentAt = new Map<number, number>();
    /** [sent at, move→ack ms] of every acknowledged move. */
    const acks: Array<[number, number]> = [];
    room.onStateChange((state) => {
      const me = state.players.get(room.sessionId);
      if (me?.x === undefined) return;
      const now = performance.now();
      for (const [seq, at] of sentAt) if (seq <= me.lastInput!) (acks.push([at, now - at]), sentAt.delete(seq));
      predictor.reconcile({ x: me.x, y: me.y!, alive: me.alive!, lastInput: me.lastInput! }, map);
    });
    await until(room, () => predictor.position !== null, "own player");
    // The key held: a move every TICK_MS while the server's queue has room, as client/battle.ts paces.
    let dx = 1;
    const pacer = setInterval(() => {
      if (!predictor.canSend()) return;
      const at = predictor.position!.x;
      if (at >= MAP_WIDTH - 50 || at <= 50) dx = at <= 50 ? 1 : -1;
      const move = predictor.input({ dx, dy: 0 }, map);
      sentAt.set(move.seq, performance.now());
      send(room, ClientMessage.move, move);
    }, TICK_MS);
    stops.push(() => clearInterval(pacer));
    const sentBetween = (from: number, to: number) => acks.filter(([at]) => at >= from && at < to).map(([, ms]) => ms);

    const steadyFrom = performance.now() + 500;
    await eventually(() => sentBetween(steadyFrom, Infinity).length >= 40, "2 s of steady acknowledgements", 10_000);
    const before = median(sentBetween(steadyFrom, Infinity));

    server.child.kill("SIGSTOP");
    await new Promise((resolve) => setTimeout(resolve, STALL_MS)); // the stall itself: its length is the scenario
    server.child.kill("SIGCONT");
    const resumed = performance.now();
    await eventually(() => acks.some(([at]) => at >= resumed + RECOVERY_MS + 1000), "acks of moves sent 3 s after the stall", 10_000);
    const worst = Math.max(...sentBetween(resumed - STALL_MS, resumed + RECOVERY_MS));
    const after = median(sentBetween(resumed + RECOVERY_MS, resumed + RECOVERY_MS + 1000));
    assert.ok(after <= before + RECOVERED_WITHIN_MS, `move→ack p50 ${after.toFixed(0)} ms from ${RECOVERY_MS / 1000} s after the stall against ${before.toFixed(0)} ms before (worst in between ${worst.toFixed(0)} ms)`);
  });
});

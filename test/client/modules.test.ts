/** The browser client's pure parts (prediction, interpolation, channel names, lobby list), without a browser. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { battleChannel } from "../../server/shared/channel";
import { INTERPOLATION_DELAY_MS, Interpolator, INTERPOLATION_BUFFER, ServerClock, CLOCK_DRIFT_PER_PATCH_MS } from "../../client/interpolation";
import { RoomList } from "../../client/lobby";
import { shutdownText } from "../../client/hud";
import { lineWords } from "../../client/chat";
import { backoffDelayMs, CLOSE_CONSENTED, describeJoinError, finalCloseReason, RECONNECT_MAX_DELAY_MS } from "../../client/net";
import { roomsOf, type RoomStates } from "../../client/rooms";
import { JOIN_PROTOCOL_MISMATCH } from "../../server/shared/codes";
import { PROTOCOL_VERSION, RoomName } from "../../server/shared/payloads";
import { GLIDE_MS, Glide } from "../../client/glide";
import { STICK_DEAD_ZONE, STICK_RADIUS_PX, stickDirection } from "../../client/touch";
import { Predictor } from "../../client/prediction";
import { STEP_PER_TICK, newMoveQueue, stepMove, stepQueue, type Direction, type Point } from "../../server/shared/game";
import { CHANNEL_PATTERN, CLOSE_KICKED, CLOSE_RATE_LIMITED, MAP_HEIGHT, MAP_WIDTH, MAX_QUEUED_MOVES, TICK_MS, type MovePayload } from "../../server/shared/protocol";
import { ROOT } from "../helpers/paths";

const MAP = { width: MAP_WIDTH, height: MAP_HEIGHT };
const RIGHT: Direction = { dx: 1, dy: 0 };
const DOWN_LEFT: Direction = { dx: -1, dy: 1 };

/**
 * A server as the battle room runs it: moves arrive `latencyTicks` after they are sent, the room's
 * own tick step (stepQueue) applies them, and its patch reaches the client `latencyTicks` later.
 * The server skips the ticks in `stalled` (a stall: moves pile up, then it catches up).
 */
function simulate(inputs: Direction[], latencyTicks: number, start: Point = { x: 500, y: 500 }, stalled = new Set<number>()) {
  const predictor = new Predictor();
  predictor.reconcile({ ...start, alive: true, lastInput: 0 }, MAP);
  const inFlight: Array<{ at: number; move: MovePayload }> = [];
  const queue = newMoveQueue(0);
  const patches: Array<{ at: number; x: number; y: number; lastInput: number }> = [];
  const server = { ...start, alive: true };
  const predicted: Point[] = [];
  const ideal: Point[] = [];
  let expected = start;
  for (let tick = 0; tick < inputs.length + 4 * latencyTicks + 2; tick++) {
    // Client tick: sample the input, predict, send.
    const dir = inputs[tick];
    if (dir) {
      inFlight.push({ at: tick + latencyTicks, move: predictor.input(dir, MAP) });
      expected = stepMove(expected, dir, MAP);
    }
    // Server tick: take arrived moves, step the queue, patch.
    if (!stalled.has(tick)) {
      while (inFlight.length && inFlight[0].at <= tick) queue.moves.push(inFlight.shift()!.move);
      stepQueue(server, queue, tick * TICK_MS, MAP);
      patches.push({ at: tick + latencyTicks, ...server, lastInput: queue.acked });
    }
    // Client receives patches.
    while (patches.length && patches[0].at <= tick) {
      const patch = patches.shift()!;
      predictor.reconcile({ ...patch, alive: true }, MAP);
    }
    predicted.push(predictor.position!);
    ideal.push(expected);
  }
  return { predicted, ideal, predictor, server };
}

describe("client prediction", () => {
  for (const latencyTicks of [0, 1, 3]) {
    it(`moves at once and never jumps when nothing interferes (${latencyTicks * TICK_MS} ms one way)`, () => {
      const inputs = [...Array(12).fill(RIGHT), ...Array(5).fill(undefined), ...Array(8).fill(DOWN_LEFT)];
      const { predicted, ideal, predictor, server } = simulate(inputs, latencyTicks);
      assert.deepEqual(predicted, ideal);
      assert.deepEqual(predicted[0], { x: 500 + STEP_PER_TICK, y: 500 });
      assert.equal(predictor.unacknowledged, 0);
      assert.deepEqual({ x: server.x, y: server.y }, ideal[ideal.length - 1]);
    });
  }

  it("stays exact while the server catches up after a stall, two moves a tick", () => {
    const inputs = Array(40).fill(RIGHT);
    const stall = new Set(Array.from({ length: 8 }, (_, i) => 10 + i));
    const { predicted, ideal, predictor, server } = simulate(inputs, 1, { x: 100, y: 500 }, stall);
    assert.deepEqual(predicted, ideal);
    assert.equal(predictor.unacknowledged, 0);
    assert.deepEqual({ x: server.x, y: server.y }, ideal[ideal.length - 1]);
  });

  it("takes the server's word and replays the unacknowledged inputs on top", () => {
    const predictor = new Predictor();
    predictor.reconcile({ x: 100, y: 100, alive: true, lastInput: 0 }, MAP);
    for (let i = 0; i < 3; i++) predictor.input(RIGHT, MAP);
    assert.deepEqual(predictor.position, { x: 130, y: 100 });
    // The server applied seq 1 but something (a respawn, a test) put the player elsewhere.
    const at = predictor.reconcile({ x: 400, y: 700, alive: true, lastInput: 1 }, MAP);
    assert.deepEqual(at, { x: 420, y: 700 });
    assert.equal(predictor.unacknowledged, 2);
  });

  it("replays nothing for a dead player, as the server moves it nowhere", () => {
    const predictor = new Predictor();
    predictor.reconcile({ x: 100, y: 100, alive: false, lastInput: 0 }, MAP);
    predictor.input(RIGHT, MAP);
    assert.deepEqual(predictor.position, { x: 100, y: 100 });
    assert.deepEqual(predictor.reconcile({ x: 100, y: 100, alive: false, lastInput: 0 }, MAP), { x: 100, y: 100 });
  });

  it("stays inside the map like the server", () => {
    const predictor = new Predictor();
    predictor.reconcile({ x: MAP_WIDTH - 3, y: 0, alive: true, lastInput: 0 }, MAP);
    predictor.input({ dx: 1, dy: -1 }, MAP);
    assert.deepEqual(predictor.position, { x: MAP_WIDTH, y: 0 });
  });

  it("numbers moves from 1 upwards and holds back once the server's queue would be full", () => {
    const predictor = new Predictor();
    assert.equal(predictor.canSend(), false, "nothing to predict from before the first patch");
    predictor.reconcile({ x: 0, y: 0, alive: true, lastInput: 0 }, MAP);
    const seqs = [];
    while (predictor.canSend()) seqs.push(predictor.input(RIGHT, MAP).seq);
    assert.deepEqual(seqs, Array.from({ length: MAX_QUEUED_MOVES }, (_, i) => i + 1));
    predictor.reconcile({ x: 10, y: 0, alive: true, lastInput: 1 }, MAP);
    assert.equal(predictor.canSend(), true);
    assert.equal(predictor.input(RIGHT, MAP).seq, MAX_QUEUED_MOVES + 1);
  });
});

describe("client: the own player at display rate", () => {
  it("moves on every 60 Hz frame while a key is held, never past the prediction and never back", () => {
    const predictor = new Predictor();
    predictor.reconcile({ x: 100, y: 100, alive: true, lastInput: 0 }, MAP);
    const glide = new Glide();
    glide.jump(predictor.position!);
    const frameMs = 1000 / 60;
    let nextInput = 5;
    let last = glide.at(0)!.x;
    let moved = 0;
    let frames = 0;
    for (let now = frameMs; now < 2000; now += frameMs) {
      // Inputs every TICK_MS, each 0-3 ms late as timers are.
      while (nextInput <= now) {
        predictor.input(RIGHT, MAP);
        glide.step(predictor.position!, nextInput);
        nextInput += TICK_MS + ((nextInput * 7) % 4);
      }
      const x = glide.at(now)!.x;
      assert.ok(x >= last, `drawn back from ${last} to ${x}`);
      assert.ok(x <= predictor.position!.x, `drawn at ${x}, ahead of the prediction ${predictor.position!.x}`);
      if (x > last) moved++;
      frames++;
      last = x;
    }
    assert.ok(moved / frames >= 0.95, `moved in ${moved} of ${frames} frames`);
  });

  it("starts the first step on the next frame and ends on the prediction", () => {
    const glide = new Glide();
    glide.jump({ x: 100, y: 100 });
    glide.step({ x: 110, y: 100 }, 1000);
    assert.ok(glide.at(1001)!.x > 100);
    assert.deepEqual(glide.at(1000 + GLIDE_MS), { x: 110, y: 100 });
    assert.deepEqual(glide.at(5000), { x: 110, y: 100 });
  });

  it("draws a reset (a spawn, a correction) at once", () => {
    const glide = new Glide();
    assert.equal(glide.at(0), null);
    glide.jump({ x: 5, y: 6 });
    glide.step({ x: 15, y: 6 }, 0);
    glide.jump({ x: 700, y: 800 });
    assert.deepEqual(glide.at(1), { x: 700, y: 800 });
  });
});

describe("client: touch stick", () => {
  it("stands still in the dead zone, steers in any direction, and is full speed from its radius on", () => {
    assert.deepEqual(stickDirection(STICK_DEAD_ZONE * STICK_RADIUS_PX * 0.9, 0), { dx: 0, dy: 0 });
    const half = stickDirection(0, -STICK_RADIUS_PX / 2);
    assert.ok(Math.abs(half.dx) < 1e-9 && Math.abs(half.dy + 0.5) < 1e-9, "analog: half way is half speed");
    const far = stickDirection(3 * STICK_RADIUS_PX, 3 * STICK_RADIUS_PX);
    assert.ok(Math.abs(Math.hypot(far.dx, far.dy) - 1) < 1e-9, "never beyond full speed");
    assert.ok(Math.abs(far.dx - far.dy) < 1e-9, "diagonal");
  });
});

describe("client interpolation", () => {
  it("draws the others between the two patches around the drawn moment", () => {
    const other = new Interpolator();
    other.push(1000, { x: 0, y: 0 });
    other.push(1050, { x: 10, y: 20 });
    assert.deepEqual(other.at(1025), { x: 5, y: 10 });
    assert.deepEqual(other.at(1040), { x: 8, y: 16 });
  });

  it("moves smoothly at any frame rate: equal time steps give equal position steps", () => {
    const other = new Interpolator();
    for (let i = 0; i <= 10; i++) other.push(i * TICK_MS, { x: i * STEP_PER_TICK, y: 0 });
    const frameMs = 1000 / 144;
    const xs = Array.from({ length: 40 }, (_, i) => other.at(100 + i * frameMs)!.x);
    const steps = xs.slice(1).map((x, i) => x - xs[i]);
    for (const step of steps) assert.ok(Math.abs(step - (STEP_PER_TICK * frameMs) / TICK_MS) < 1e-9, `step ${step}`);
  });

  it("holds the nearest end outside the buffer and snaps across a respawn", () => {
    const other = new Interpolator();
    assert.equal(other.at(0), null);
    other.push(1000, { x: 100, y: 100 });
    other.push(1050, { x: 900, y: 900 });
    assert.deepEqual(other.at(900), { x: 100, y: 100 });
    assert.deepEqual(other.at(1025), { x: 100, y: 100 }, "no glide across the map");
    assert.deepEqual(other.at(1050), { x: 900, y: 900 });
    assert.deepEqual(other.at(5000), { x: 900, y: 900 });
  });

  it("ignores a patch older than the newest and keeps a bounded buffer", () => {
    const other = new Interpolator();
    for (let i = 0; i < INTERPOLATION_BUFFER * 2; i++) other.push(i * TICK_MS, { x: i, y: 0 });
    other.push(0, { x: 999, y: 999 });
    assert.deepEqual(other.at(0), { x: INTERPOLATION_BUFFER, y: 0 }, "oldest samples dropped");
  });

  it("keeps the server clock on the earliest arrivals and lets late ones drift it slowly", () => {
    const clock = new ServerClock();
    assert.equal(clock.now(0), null);
    clock.observe(1000, 5030);
    assert.equal(clock.now(5030), 1000);
    clock.observe(1050, 5070); // 10 ms earlier than expected: adopted at once
    assert.equal(clock.now(5070), 1050);
    clock.observe(1100, 5200); // 80 ms late (jitter): the offset creeps
    assert.equal(clock.now(5200), 1180 - CLOCK_DRIFT_PER_PATCH_MS);
    assert.ok(INTERPOLATION_DELAY_MS >= 2 * TICK_MS);
  });
});

describe("client helpers", () => {
  it("gives every battle room its own valid chat channel, case included", () => {
    const a = battleChannel("aBc-_9XyZ");
    const b = battleChannel("abc-_9xyz");
    assert.notEqual(a, b);
    for (const channel of [a, b, battleChannel("x".repeat(40)), battleChannel("ümlaut")]) {
      assert.match(channel, CHANNEL_PATTERN);
    }
    assert.equal(battleChannel("aBc-_9XyZ"), a, "stable");
  });

  it("words a chat line by its kind: a player's line with its author, a system line from its code, or as sent without one", () => {
    const line = { id: 1, name: "Ann", sessionId: "s", playerId: "p", text: "hi", time: 0 };
    assert.deepEqual(lineWords({ ...line, kind: "user" }), { name: "Ann", text: "hi" });
    assert.deepEqual(lineWords({ ...line, kind: "system", name: "", text: "Ann joined" }), { text: "Ann joined" });
    const left = { ...line, kind: "system", code: "left", name: "Ann", text: "Ann left" } as const;
    assert.deepEqual(lineWords(left), { text: "Ann left" });
    assert.deepEqual(lineWords({ ...left, code: "sang" as never }), { text: "Ann left" }, "a code from a newer server");
  });

  it("backs off reconnection attempts up to a ceiling", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map(backoffDelayMs), [250, 500, 1000, 2000, 4000, 4000, RECONNECT_MAX_DELAY_MS]);
  });

  it("reconnects after a dropped socket but not after the server closed the room or removed the player", () => {
    for (const dropped of [1000, 1001, 1005, 1006, 4002]) assert.equal(finalCloseReason(dropped), null, String(dropped));
    assert.match(finalCloseReason(CLOSE_CONSENTED)!, /closed this room/);
    assert.match(finalCloseReason(CLOSE_RATE_LIMITED)!, /too many messages/);
    assert.match(finalCloseReason(CLOSE_KICKED)!, /moderator/);
  });

  it("counts the shutdown warning down in whole seconds, never below zero", () => {
    const notice = { reason: "server is shutting down", reconnect: false, inMs: 5000 };
    assert.equal(shutdownText(notice, 4200), "The server is shutting down: this room closes in 5 s, then you join a fresh battle.");
    assert.match(shutdownText(notice, 0), /closes in 0 s/);
    assert.match(shutdownText(notice, -300), /closes in 0 s/);
  });

  it("keeps the lobby's battle list in step with its add, update and remove messages", () => {
    const list = new RoomList();
    const room = (roomId: string, name: string, clients: number, maxClients = 16) => ({ roomId, name, clients, maxClients, locked: false, metadata: {} });
    list.reset([room("a", "battle", 1), room("c", "chat", 5, 2000)]);
    list.upsert("b", room("b", "battle", 3));
    list.upsert("a", room("a", "battle", 4));
    assert.deepEqual(list.battles().map((r) => [r.roomId, r.clients]), [["a", 4], ["b", 3]]);
    list.remove("a");
    assert.deepEqual(list.battles().map((r) => r.roomId), ["b"]);
  });
});

describe("client layout", () => {
  const CLIENT = join(ROOT, "client");
  const files = readdirSync(CLIENT, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  for (const file of files) {
    it(`${file} takes only the protocol, the rule tuning, the pure rules, room names, the region routes and the fallback wire from the server`, () => {
      const source = readFileSync(join(CLIENT, file), "utf8");
      const fromServer = [...source.matchAll(/from\s+"((?:\.\.\/)+server\/[^"]+)"/g)].map((m) => m[1]);
      for (const path of fromServer) assert.match(path, /^(\.\.\/)+server\/shared\/(payloads|codes|messages|tuning|game|arena|roomNames|hash|regions|fallback)$/);
    });
  }
});

describe("client rooms", () => {
  it("sends PROTOCOL_VERSION with the join options of every typed join", async () => {
    const sent: unknown[] = [];
    const record = async (...args: unknown[]) => (sent.push(args.find((a) => typeof a === "object")), {});
    const joiner = { joinOrCreate: record, create: record, join: record, joinById: record, reconnect: record } as unknown as Parameters<typeof roomsOf>[0];
    const rooms = roomsOf<RoomStates>(joiner);
    await rooms.joinOrCreate(RoomName.chat, { channel: "c" });
    await rooms.create(RoomName.battle, { private: true });
    await rooms.join(RoomName.lobby, {});
    await rooms.joinById(RoomName.battle, "roomid", { name: "Ann" });
    assert.deepEqual(sent, [
      { channel: "c", protocol: PROTOCOL_VERSION },
      { private: true, protocol: PROTOCOL_VERSION },
      { protocol: PROTOCOL_VERSION },
      { name: "Ann", protocol: PROTOCOL_VERSION },
    ]);
  });

  it("tells the player to reload when the server speaks another protocol", () => {
    assert.equal(describeJoinError({ code: JOIN_PROTOCOL_MISMATCH, message: "x" }), "This page is out of date: reload it to play.");
  });
});

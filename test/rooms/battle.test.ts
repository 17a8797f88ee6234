import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import { STEP_PER_TICK } from "../../server/shared/game";
import {
  ATTACK_COOLDOWN_MS,
  ATTACK_DAMAGE,
  ClientMessage,
  JOIN_INVALID_OPTIONS,
  JoinRefusal,
  MAP_HEIGHT,
  MAP_WIDTH,
  MAX_HP,
  MAX_MOVES_PER_TICK,
  MAX_QUEUED_MOVES,
  RESPAWN_DELAY_MS,
  RefusalCode,
  RoomName,
  SPAWN_CLEARANCE,
  ServerMessage,
  TICK_MS,
  type JoinBattleOptions,
} from "../../server/shared/protocol";
import type { BattleState, Player } from "../../server/rooms/schema/BattleState";
import { collect, hearAll, joinUnchecked, nextError, nextMessage, until, sdkOf, sendUnchecked } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { send, type GameRoom } from "../../client/rooms";

type Battle = GameRoom<"battle", BattleState>;

describe("BattleRoom", () => {
  const server = useServer();

  async function join(options: JoinBattleOptions = {}): Promise<Battle> {
    const room = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, options));
    await until(room, (s) => s.players?.has(room.sessionId), "own player");
    return room;
  }

  /** Puts a player somewhere on the server (test setup) and waits until `room` sees it there. */
  async function place(observer: Battle, sessionId: string, x: number, y: number, hp = MAX_HP) {
    const player = server.getRoomById<BattleState>(observer.roomId).state.players.get(sessionId)!;
    Object.assign(player, { x, y, hp });
    await until(observer, (s) => {
      const p = s.players.get(sessionId);
      return p?.x === x && p.y === y && p.hp === hp;
    }, `player at ${x},${y}`);
  }

  const me = (room: Battle): Player => room.state.players.get(room.sessionId)!;

  describe("joining", () => {
    it("shows a joining player to everyone and removes a leaving one", async () => {
      const a = await join({ name: "Alice" });
      const b = await join({ name: "Bob" });
      assert.equal(a.roomId, b.roomId);
      await until(a, (s) => s.players.get(b.sessionId)?.name === "Bob", "Bob in Alice's state");
      assert.equal(b.state.players.get(a.sessionId)?.name, "Alice");
      const bob = b.state.players.get(b.sessionId)!;
      assert.equal(bob.hp, MAX_HP);
      assert.equal(bob.alive, true);
      assert.deepEqual([bob.kills, bob.deaths, bob.lastInput], [0, 0, 0]);
      assert.equal(b.state.width, MAP_WIDTH);
      assert.equal(b.state.height, MAP_HEIGHT);

      await b.leave();
      await until(a, (s) => !s.players.has(b.sessionId), "Bob gone");
      assert.equal(a.state.players.size, 1);
    });

    it("generates a name when none is given", async () => {
      const a = await join();
      assert.match(me(a).name, /^[A-Za-z]+\d+$/);
    });

    it("refuses invalid join options at matchmaking with a reason, without taking a seat", async () => {
      for (const [options, reason, code] of [
        [{ name: "   " }, /name must have at least one visible character/, JoinRefusal.nameInvisible],
        [{ name: "x".repeat(17) }, /name must be at most 16 characters/, JoinRefusal.nameTooLong],
        [{ name: 42 }, /name must be a string/, JOIN_INVALID_OPTIONS],
        [{ admin: true }, /unknown field\(s\): admin/, JOIN_INVALID_OPTIONS],
        [{ maxPlayers: 0 }, /maxPlayers must be a whole number/, JOIN_INVALID_OPTIONS],
      ] as [object, RegExp, number][]) {
        await assert.rejects(joinUnchecked(server, RoomName.battle, options), (error: { code: number; message: string }) => {
          assert.equal(error.code, code);
          assert.match(error.message, reason);
          return true;
        });
      }
      assert.equal((await matchMaker.query({ name: RoomName.battle })).length, 0, "no room was created");
    });

    it("honours the maxPlayers create option", async () => {
      const a = hearAll(await sdkOf(server).create(RoomName.battle, { maxPlayers: 2 }));
      hearAll(await sdkOf(server).joinById(RoomName.battle, a.roomId, {}));
      await assert.rejects(sdkOf(server).joinById(RoomName.battle, a.roomId, {}), /full|locked/);
    });
  });

  describe("moving", () => {
    it("moves one step per applied move and acknowledges its seq in lastInput", async () => {
      const a = await join();
      await place(a, a.sessionId, 500, 500);
      send(a, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
      await until(a, () => me(a).lastInput === 1, "ack of seq 1");
      assert.deepEqual([me(a).x, me(a).y], [500 + STEP_PER_TICK, 500]);
      send(a, ClientMessage.move, { dx: 0, dy: 1, seq: 2 });
      await until(a, () => me(a).lastInput === 2, "ack of seq 2");
      assert.deepEqual([me(a).x, me(a).y], [500 + STEP_PER_TICK, 500 + STEP_PER_TICK]);
    });

    it("never moves faster than the speed limit however the client spams", async () => {
      const a = await join();
      await place(a, a.sessionId, 100, 500);
      const refusals = collect(a, ServerMessage.error);
      const seen: { tick: number; x: number }[] = [];
      a.onStateChange((s) => seen.push({ tick: s.tick, x: s.players.get(a.sessionId)!.x }));
      const sent = 3 * MAX_QUEUED_MOVES;
      for (let seq = 1; seq <= sent; seq++) send(a, ClientMessage.move, { dx: 1, dy: 0, seq });

      await until(a, () => me(a).lastInput === MAX_QUEUED_MOVES, "queued moves applied");
      // Refusals are sent as the moves arrive, long before the tenth tick's patch: all are here.
      assert.equal(me(a).x, 100 + MAX_QUEUED_MOVES * STEP_PER_TICK, "only queued moves were applied");
      for (let i = 1; i < seen.length; i++) {
        const ticks = seen[i].tick - seen[i - 1].tick;
        assert.ok(seen[i].x - seen[i - 1].x <= ticks * MAX_MOVES_PER_TICK * STEP_PER_TICK, `moved too fast at tick ${seen[i].tick}`);
      }
      assert.equal(refusals.length, sent - MAX_QUEUED_MOVES);
      assert.ok(refusals.every((r) => r.code === RefusalCode.moveQueueFull && r.type === ClientMessage.move));
    });

    it("never leaves the map", async () => {
      const a = await join();
      await place(a, a.sessionId, MAP_WIDTH - 3, 3);
      for (let seq = 1; seq <= 3; seq++) send(a, ClientMessage.move, { dx: 1, dy: -1, seq });
      await until(a, () => me(a).lastInput === 3, "ack of seq 3");
      assert.deepEqual([me(a).x, me(a).y], [MAP_WIDTH, 0]);
    });

    it("refuses a move whose seq does not grow", async () => {
      const a = await join();
      send(a, ClientMessage.move, { dx: 0, dy: 0, seq: 5 });
      send(a, ClientMessage.move, { dx: 1, dy: 0, seq: 5 });
      const error = await nextError(a);
      assert.equal(error.code, RefusalCode.staleSeq);
      assert.match(error.message, /larger than 5/);
      await until(a, () => me(a).lastInput === 5, "ack of seq 5");
    });
  });

  describe("attacking", () => {
    async function threePlayers() {
      const a = await join({ name: "A" });
      const b = await join({ name: "B" });
      const c = await join({ name: "C" });
      await place(a, a.sessionId, 500, 500);
      await place(a, b.sessionId, 550, 500);
      await place(a, c.sessionId, 700, 500);
      return { a, b, c };
    }

    it("damages players in range and not those out of range, then holds the cooldown", async () => {
      const { a, b, c } = await threePlayers();
      const attackedSeenByC = nextMessage(c, ServerMessage.attacked);
      send(a, ClientMessage.attack, {});
      const attacked = await nextMessage(a, ServerMessage.attacked);
      assert.deepEqual(attacked.hits, [b.sessionId]);
      assert.equal(attacked.by, a.sessionId);
      assert.deepEqual((await attackedSeenByC).hits, [b.sessionId]);
      await until(b, (s) => s.players.get(b.sessionId)!.hp === MAX_HP - ATTACK_DAMAGE, "B damaged");
      assert.equal(b.state.players.get(c.sessionId)!.hp, MAX_HP);
      assert.equal(b.state.players.get(a.sessionId)!.hp, MAX_HP);

      const attackTick = a.state.tick;
      send(a, ClientMessage.attack);
      const refused = await nextError(a);
      assert.equal(refused.code, RefusalCode.cooldown);
      assert.equal(refused.type, ClientMessage.attack);

      await until(a, (s) => s.tick >= attackTick + ATTACK_COOLDOWN_MS / TICK_MS + 1, "cooldown over");
      send(a, ClientMessage.attack);
      await nextMessage(a, ServerMessage.attacked);
      await until(b, (s) => s.players.get(b.sessionId)!.hp === MAX_HP - 2 * ATTACK_DAMAGE, "B damaged twice");
    });

    it("kills at 0 HP, counts kill and death, tells everyone, and respawns after the delay", async () => {
      const { a, b, c } = await threePlayers();
      await place(a, b.sessionId, 550, 500, ATTACK_DAMAGE);
      const killSeenByC = nextMessage(c, ServerMessage.kill);
      send(a, ClientMessage.attack, {});
      const kill = await nextMessage(b, ServerMessage.kill);
      assert.deepEqual(kill, {
        killer: a.sessionId,
        killerName: "A",
        victim: b.sessionId,
        victimName: "B",
        respawnInMs: RESPAWN_DELAY_MS,
      });
      assert.deepEqual(await killSeenByC, kill);
      await until(c, (s) => !s.players.get(b.sessionId)!.alive, "B dead");
      const deathTick = c.state.tick;
      assert.equal(c.state.players.get(b.sessionId)!.hp, 0);
      assert.equal(c.state.players.get(b.sessionId)!.deaths, 1);
      assert.equal(c.state.players.get(a.sessionId)!.kills, 1);

      send(b, ClientMessage.attack);
      assert.equal((await nextError(b)).code, RefusalCode.dead);

      await until(c, (s) => s.players.get(b.sessionId)!.alive, "B respawned");
      const reborn = c.state.players.get(b.sessionId)!;
      assert.ok(c.state.tick - deathTick >= RESPAWN_DELAY_MS / TICK_MS - 1, "respawn came after the delay");
      assert.equal(reborn.hp, MAX_HP);
      for (const other of [a, c]) {
        const p = c.state.players.get(other.sessionId)!;
        assert.ok(Math.hypot(reborn.x - p.x, reborn.y - p.y) >= SPAWN_CLEARANCE, "respawned clear of others");
      }
    });
  });

  describe("bad input", () => {
    const badMoves: unknown[] = [
      undefined,
      null,
      7,
      "up",
      [1, 0, 1],
      { dx: 1, dy: 0 },
      { dx: 1, dy: 0, seq: 1, x: 0, y: 0 },
      { dx: NaN, dy: 0, seq: 1 },
      { dx: Infinity, dy: 0, seq: 1 },
      { dx: 0, dy: -Infinity, seq: 1 },
      { dx: 1e308, dy: 0, seq: 1 },
      { dx: 2, dy: 0, seq: 1 },
      { dx: "1", dy: 0, seq: 1 },
      { dx: 1, dy: 0, seq: -1 },
      { dx: 1, dy: 0, seq: 1.5 },
      { dx: 1, dy: 0, seq: 2 ** 40 },
      { dx: { $gt: 0 }, dy: 0, seq: 1 },
      { dx: 1, dy: 0, seq: 1, deep: { a: [1, [2]] } },
      // Nested past MSGPACK_MAX_DEPTH it never reaches the parser: the wire guard closes the connection (test/security/wire.test.ts).
    ];

    it("refuses every malformed move, attack and unknown type with a reason and changes nothing", async () => {
      const a = await join({ name: "Mallory" });
      const b = await join({ name: "Honest" });
      await place(a, a.sessionId, 300, 300);
      await place(a, b.sessionId, 900, 900);
      const bRefusals = collect(b, ServerMessage.error);
      const before = JSON.stringify(b.state.players.toJSON());

      for (const payload of badMoves) {
        sendUnchecked(a, ClientMessage.move, payload);
        const error = await nextError(a);
        assert.equal(error.code, RefusalCode.invalidPayload, JSON.stringify(payload));
        assert.equal(error.type, ClientMessage.move);
        assert.ok(error.message.startsWith("move"), error.message);
      }
      for (const payload of [{ target: b.sessionId }, 1, "x", [], null]) {
        sendUnchecked(a, ClientMessage.attack, payload);
        const error = await nextError(a);
        assert.equal(error.code, RefusalCode.invalidPayload, JSON.stringify(payload));
        assert.equal(error.type, ClientMessage.attack);
      }
      a.sendBytes(ClientMessage.move, new Uint8Array([1, 2, 3, 255]));
      assert.equal((await nextError(a)).code, RefusalCode.invalidPayload);
      sendUnchecked(a, "teleport", { x: 0, y: 0 });
      const unknown = await nextError(a);
      assert.equal(unknown.code, RefusalCode.unknownType);
      assert.equal(unknown.type, "teleport");

      // One full tick later nothing has changed, for either player, and the honest one heard nothing.
      const tick = b.state.tick;
      await until(b, (s) => s.tick > tick + 1, "two more ticks");
      assert.equal(JSON.stringify(b.state.players.toJSON()), before);
      assert.equal(bRefusals.length, 0);
      assert.equal(a.connection.isOpen, true, "a bad payload does not cost the connection");
      // The room still plays: a good move after all that is applied.
      send(a, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
      await until(a, () => me(a).lastInput === 1, "ack of a good move");
      assert.equal(me(a).x, 300 + STEP_PER_TICK);
    });
  });
});

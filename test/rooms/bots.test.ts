import assert from "node:assert/strict";
import type { BattleRoom } from "../../server/rooms/BattleRoom";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { RefusalCode, RoomName, type ErrorPayload, type JoinBattleOptions } from "../../server/shared/protocol";
import { hearAll, nextError, sdkOf, sendUnchecked, until } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import type { GameRoom } from "../../client/rooms";

type Battle = GameRoom<"battle", BattleState>;

const botsIn = (state: BattleState) => [...state.players.entries()].filter(([, p]) => p.bot);

describe("BattleRoom bots", () => {
  const server = useServer({ BOTS_FILL_TO: "3" });

  async function join(options: JoinBattleOptions = {}): Promise<Battle> {
    const room = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, options));
    await until(room, (s) => s.players?.has(room.sessionId), "own player");
    return room;
  }

  const serverRoom = (room: Battle) => server.getRoomById(room.roomId) as unknown as BattleRoom;

  it("gives a lone player in quick play bot opponents in the first state it gets", async () => {
    const started = performance.now();
    const alone = await join({ name: "Alone" });
    const firstStateMs = performance.now() - started;
    assert.equal(botsIn(alone.state).length, 2, "filled up to BOTS_FILL_TO=3 fighters");
    assert.equal(alone.state.players.get(alone.sessionId)!.bot, false);
    // Bots are in the very state the join brings, so the wait is the join's own (under a second here).
    assert.ok(firstStateMs < 1000, `join to first state took ${firstStateMs.toFixed(0)} ms`);
    assert.equal(serverRoom(alone).clients.length, 1, "bots hold no client seat");
  });

  it("plays through the input path: bots' moves are queued, applied and acknowledged like a client's", async () => {
    const alone = await join();
    const room = serverRoom(alone);
    const [botId] = botsIn(room.state)[0]!;
    const before = room.state.players.get(botId)!.lastInput;
    await until(alone, () => room.state.players.get(botId)!.lastInput >= before + 5, "bot moves acknowledged");
    assert.equal(room.bots.clientOf(botId)!.refusals, 0, "a bot by the rules is never refused");
  });

  it("replaces a bot with each human that joins, and brings one back when a human leaves", async () => {
    const first = await join({ name: "First" });
    const second = await join({ name: "Second" });
    assert.equal(second.roomId, first.roomId);
    await until(first, (s) => s.players.size === 3 && botsIn(s).length === 1, "one bot left beside two humans");
    const third = await join({ name: "Third" });
    await until(first, (s) => s.players.size === 3 && botsIn(s).length === 0, "no bot beside three humans");
    await third.leave();
    await until(first, (s) => botsIn(s).length === 1, "a bot back when a human leaves");
  });

  it("refuses a bot's invalid input exactly like a client's, and counts it in no player figure", async () => {
    const human = await join();
    const room = serverRoom(human);
    const [botId, bot] = botsIn(room.state)[0]!;
    const botClient = room.bots.clientOf(botId)!;
    const refusedBefore = await refusedCount();
    for (const [type, input] of [
      ["move", { dx: 5, dy: 0, seq: 1e6 }],
      ["move", { dx: 0, dy: 0, seq: 1e6, teleport: true }],
      ["attack", { tick: -1 }],
      ["dance", {}],
    ] as const) {
      const heard = nextError(human);
      sendUnchecked(human, type, input);
      const clientError: ErrorPayload = await heard;
      const refusalsBefore = botClient.refusals;
      const x = bot.x;
      room.bots.say(botId, type, input);
      assert.equal(botClient.refusals, refusalsBefore + 1, `bot ${type} refused`);
      assert.deepEqual(botClient.lastRefusal, clientError);
      assert.ok(clientError.code === RefusalCode.invalidPayload || clientError.code === RefusalCode.unknownType);
      assert.equal(bot.x, x, "a refused message leaves the bot where it was");
    }
    assert.equal(await refusedCount(), refusedBefore + 4, "the human's four refusals only");
  });

  it("fills a battle created with the bots option to that many fighters, or none with 0", async () => {
    const none = hearAll(await sdkOf(server).create(RoomName.battle, { bots: 0 }));
    await until(none, (s) => s.players?.has(none.sessionId), "own player");
    assert.equal(botsIn(none.state).length, 0);
    const five = hearAll(await sdkOf(server).create(RoomName.battle, { bots: 5 }));
    await until(five, (s) => s.players?.has(five.sessionId), "own player");
    assert.equal(botsIn(five.state).length, 4);
  });

  async function refusedCount(): Promise<number> {
    const text = await server.context.metrics.text();
    return text
      .split("\n")
      .filter((line) => line.startsWith("game_messages_refused_total{"))
      .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
  }
});

describe("BattleRoom bots within MAX_BOTS", () => {
  const server = useServer({ BOTS_FILL_TO: "3", MAX_BOTS: "3" });

  async function create(name: string): Promise<Battle> {
    const room = hearAll(await sdkOf(server).create(RoomName.battle, { name }));
    await until(room, (s) => s.players?.has(room.sessionId), "own player");
    return room;
  }

  it("runs at most MAX_BOTS bots in the process: a later battle fills with fewer, and gets them once others give theirs back", async () => {
    const first = await create("First");
    assert.equal(botsIn(first.state).length, 2);
    const second = await create("Second");
    assert.equal(botsIn(second.state).length, 1, "one bot left in the process's budget");
    const third = await create("Third");
    assert.equal(botsIn(third.state).length, 0, "no bot past MAX_BOTS");
    assert.equal(server.context.bots.running, 3);

    // The first battle closes: its two bots go back to the budget, and the next battle takes them.
    await first.leave();
    await eventually(() => server.context.bots.running === 1, "the first battle's bots given back");
    const fourth = await create("Fourth");
    assert.equal(botsIn(fourth.state).length, 2);
    for (const room of [second, third, fourth]) await room.leave();
    await eventually(() => server.context.bots.running === 0, "every bot given back");
  });
});

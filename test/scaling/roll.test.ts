/**
 * A rolling deploy of a real 2-process cluster (npm run start:cluster, its own Redis) while a chat
 * and battles run: each process drains in turn (`start:cluster -- --roll`). The clients do what the
 * browser client does: chat members follow `move` (leave, join the channel again with `since`),
 * battle players join a fresh battle when their room closes after the `shutdown` notice. Matchmaking
 * goes through a process whose /ready answers 200, as a load balancer would send it.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { Client } from "colyseus.js";
import { onMessage, send, type GameRoom } from "../../client/rooms";
import { CLOSE_CONSENTED } from "../../client/net";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { ClientMessage, RoomName, ServerMessage, type ChatLine } from "../../server/shared/protocol";
import { assertContiguous } from "../helpers/chat";
import { exitCode, requireRedisServer, startCluster, startRedis, type RedisProcess } from "../helpers/cluster";
import { freePortPair } from "../helpers/ports";
import { sdkOf, until } from "../helpers/rooms";
import { eventually } from "../helpers/wait";

/** What the rolling-deploy promise allows between a battle's close and the player's next battle. */
const BACK_IN_BATTLE_MS = 5000;
const CHANNEL = "roll";
const TALK_EVERY_MS = 100;

/** The first port whose /ready answers 200: where a load balancer would send a new request. */
async function readyPort(ports: number[]): Promise<number> {
  return eventually(async () => {
    for (const port of ports) {
      const ok = await fetch(`http://127.0.0.1:${port}/ready`).then((response) => response.ok, () => false);
      if (ok) return port;
    }
    return undefined;
  }, "a ready process", 20_000, 100);
}

/** A chat member that follows `move` as the browser client does; keeps every line it got, as it got it. */
class Member {
  readonly lines: ChatLine[] = [];
  readonly unexpected: string[] = [];
  room: GameRoom<"chat", ChatState> | undefined;
  moves = 0;
  moving = false;
  private lastId = 0;

  constructor(private readonly ports: number[], readonly name: string) {}

  async join(): Promise<void> {
    const port = await readyPort(this.ports);
    const since = this.lastId > 0 ? { since: this.lastId } : {};
    const room = await sdkOf(new Client(`ws://127.0.0.1:${port}`)).joinOrCreate(RoomName.chat, { channel: CHANNEL, name: this.name, ...since });
    this.room = room;
    const keep = (line: ChatLine) => {
      this.lines.push(line);
      this.lastId = Math.max(this.lastId, line.id);
    };
    onMessage(room, ServerMessage.history, (history) => history.lines.forEach(keep));
    onMessage(room, ServerMessage.chat, keep);
    onMessage(room, ServerMessage.move, () => void this.move());
    onMessage(room, ServerMessage.error, (error) => this.unexpected.push(`error ${error.code}`));
    onMessage(room, ServerMessage.shutdown, () => this.unexpected.push("shutdown notice in chat: the member did not move"));
    room.onLeave((code) => {
      if (!this.moving && !this.leaving) this.unexpected.push(`chat closed with ${code}`);
    });
  }

  leaving = false;

  private async move(): Promise<void> {
    this.moving = true;
    await this.room!.leave(true);
    await this.join();
    this.moves++;
    this.moving = false;
  }
}

/** A battle player that joins a fresh battle when its room closes after the shutdown notice. */
class Player {
  readonly backAfterMs: number[] = [];
  readonly unexpected: string[] = [];
  room: GameRoom<"battle", BattleState> | undefined;
  leaving = false;

  constructor(private readonly ports: number[], private readonly name: string) {}

  async join(how: "create" | "joinOrCreate"): Promise<void> {
    const port = await readyPort(this.ports);
    const room = await sdkOf(new Client(`ws://127.0.0.1:${port}`))[how](RoomName.battle, { name: this.name });
    this.room = room;
    await until(room, (state) => state.players?.has(room.sessionId) === true, "the player in its battle");
    let warned = false;
    onMessage(room, ServerMessage.shutdown, () => (warned = true));
    for (const type of [ServerMessage.attacked, ServerMessage.kill, ServerMessage.battleChat, ServerMessage.error]) room.onMessage(type, () => {});
    room.onLeave((code) => {
      if (this.leaving) return;
      if (code !== CLOSE_CONSENTED || !warned) return void this.unexpected.push(`battle closed with ${code}, warned: ${warned}`);
      const closedAt = performance.now();
      this.join("joinOrCreate").then(
        () => this.backAfterMs.push(Math.round(performance.now() - closedAt)),
        (error: Error) => this.unexpected.push(`no fresh battle: ${error.message}`),
      );
    });
  }
}

describe("rolling deploy of a 2-process cluster (real processes, Redis)", function () {
  this.timeout(240_000);
  let redis: RedisProcess;
  let cluster: ChildProcess;
  let ports: number[];
  let output = "";

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    const first = await freePortPair();
    ports = [first, first + 1];
    // Battles play 2 s into a drain, then get a 1 s shutdown notice: the roll takes seconds, not minutes.
    cluster = await startCluster(redis.url, first, 2, { DRAIN_TIMEOUT_S: "2", SHUTDOWN_GRACE_MS: "1000" });
    cluster.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  });
  after(async () => {
    cluster?.kill("SIGTERM");
    if (cluster) await exitCode(cluster);
    await redis?.stop();
  });

  it("loses or doubles no chat line and brings every player back into a battle within 5 s of its room closing", async () => {
    const members = [new Member(ports, "Talker"), new Member(ports, "Ann"), new Member(ports, "Bo")];
    for (const member of members) await member.join();
    const players = ["P1", "P2", "P3", "P4"].map((name) => new Player(ports, name));
    // Two created battles: placement spreads them over both processes.
    for (const [i, player] of players.entries()) await player.join(i < 2 ? "create" : "joinOrCreate");

    // The talker says a line every 100 ms whenever its room is open (a line is only "said" once sent).
    const [talker] = members;
    const said: string[] = [];
    const talk = setInterval(() => {
      if (talker.moving || !talker.room?.connection.isOpen) return;
      const text = `line ${said.length + 1}`;
      send(talker.room, ClientMessage.chat, { text });
      said.push(text);
    }, TALK_EVERY_MS);

    try {
      const rolled = new Promise<void>((resolve) => {
        const check = () => /roll done/.test(output) && (cluster.stdout!.off("data", check), resolve());
        cluster.stdout!.on("data", check);
        check();
      });
      const roll = spawn(process.execPath, ["--import", "tsx", "scripts/cluster.ts", "--roll", "--port", String(ports[0])], { stdio: "ignore" });
      assert.equal(await exitCode(roll), 0, "start:cluster --roll found the cluster");
      await rolled;
      assert.match(output, /rolling port \d+: draining[\s\S]*rolled port \d+: ready[\s\S]*rolling port \d+: draining[\s\S]*rolled port \d+: ready/);
      // Everyone settled: members in a room, players back in a battle.
      await eventually(() => members.every((m) => !m.moving && m.room?.connection.isOpen) && players.every((p) => p.room?.connection.isOpen), "everyone settled", 20_000);
    } finally {
      clearInterval(talk);
    }
    const last = said.at(-1)!;
    await eventually(() => members.every((m) => m.lines.some((line) => line.text === last)), `every member heard "${last}"`, 10_000);

    for (const member of members) {
      assert.deepEqual(member.unexpected, [], `${member.name}: nothing unexpected`);
      assert.ok(member.moves >= 1, `${member.name} moved with the channel`);
      assertContiguous(member.lines);
      const heard = member.lines.filter((line) => line.kind === "user" && line.name === "Talker").map((line) => line.text);
      assert.deepEqual(heard, said, `${member.name} heard every line once, in order`);
    }
    const back = players.flatMap((player) => player.backAfterMs);
    for (const player of players) assert.deepEqual(player.unexpected, [], "nothing unexpected in a battle");
    assert.ok(players.every((player) => player.backAfterMs.length >= 1), "every player's battle closed at least once (each process drained)");
    assert.ok(Math.max(...back) <= BACK_IN_BATTLE_MS, `back in a battle within ${BACK_IN_BATTLE_MS} ms of the close: ${back.join(", ")} ms`);
    if (process.env.ROLL_FIGURES === "1") console.log({ lines: said.length, moves: members.map((m) => m.moves), backAfterMs: back });

    for (const member of members) member.leaving = true;
    for (const player of players) player.leaving = true;
    await Promise.all([...members.map((m) => m.room?.leave(true)), ...players.map((p) => p.room?.leave(true))]);
  });
});

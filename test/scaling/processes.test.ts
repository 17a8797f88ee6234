/**
 * Scaling with Redis, for real: a private redis-server, server processes started as operators start
 * them, colyseus.js clients. Skipped loudly without redis-server; a failure with CI=true.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { Client, type Room as ClientRoom, type SeatReservation } from "colyseus.js";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { DEAD_PROCESS_SWEEP_MS } from "../../server/scaling/sweep";
import { CHAT_HISTORY_IDLE_TTL_S, ClientMessage, RoomName, ServerMessage } from "../../server/shared/protocol";
import { Redis } from "ioredis";
import { chatTopic } from "../../server/chat/history";
import { freePortPair } from "../helpers/ports";
import { exitCode, requireRedisServer, startCluster, startRedis, startServer, type RedisProcess, type ServerProcess } from "../helpers/cluster";
import { eventually } from "../helpers/wait";
import { assertContiguous, chatter, reconnect, record, seen } from "../helpers/chat";
import { hearAll, nextMessage, until, sdkOf } from "../helpers/rooms";
import { asRoom, onMessage, send } from "../../client/rooms";

/** A seat through `via`'s HTTP matchmaker, so the test sees where the room lives before joining. */
async function reserve(via: Pick<ServerProcess, "port">, method: string, target: string, options: object = {}): Promise<SeatReservation> {
  const response = await fetch(`http://127.0.0.1:${via.port}/matchmake/${method}/${target}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(options),
  });
  const body = (await response.json()) as SeatReservation & { error?: string };
  if (!response.ok || body.error) throw new Error(`matchmake ${method} ${target} via ${via.port}: ${JSON.stringify(body)}`);
  return body;
}

/** The matchmaker's answer names the hosting process by its PUBLIC_ADDRESS. */
const hosts = (reservation: SeatReservation, server: Pick<ServerProcess, "port">) =>
  (reservation.room as { publicAddress?: string }).publicAddress === `127.0.0.1:${server.port}`;

describe("scaling with Redis (real processes)", function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let a: ServerProcess;
  let b: ServerProcess;
  /** A plain connection to look inside Redis. */
  let inspect: Redis;
  const rooms: ClientRoom[] = [];

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    [a, b] = await Promise.all([startServer(redis.url), startServer(redis.url)]);
    inspect = new Redis(redis.url);
  });
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((room) => room.connection.isOpen && room.leave().catch(() => {})));
  });
  after(async () => {
    await Promise.all([a?.stop("SIGKILL"), b?.stop("SIGKILL")]);
    inspect?.disconnect();
    await redis?.stop();
  });

  /** The process other than `server`. */
  const other = (server: ServerProcess) => (server === a ? b : a);
  const track = <T extends ClientRoom>(room: T) => (rooms.push(room), room);

  it("lets a client through one process join, quick-play and play a battle hosted on the other", async () => {
    const created = await reserve(a, "create", RoomName.battle, { name: "Host" });
    const host = hosts(created, a) ? a : b;
    const via = other(host);
    const owner = track(hearAll(asRoom(RoomName.battle, await host.client.consumeSeatReservation<BattleState>(created))));

    // By id (a private room link) through the other process: the seat is reserved over Redis IPC.
    const guest = track(hearAll(await sdkOf(via.client).joinById(RoomName.battle, created.room.roomId, { name: "Guest" })));
    assert.equal(guest.roomId, created.room.roomId);

    // Quick play through the other process finds the same open room.
    const quick = track(hearAll(await sdkOf(via.client).joinOrCreate(RoomName.battle, { name: "Quick" })));
    assert.equal(quick.roomId, created.room.roomId);

    // And the guest plays: its move is applied by the hosting process and seen by the owner.
    const start = await until(guest, (s) => s.players?.has(guest.sessionId), "guest in state");
    const x0 = start.players.get(guest.sessionId)!.x;
    send(guest, ClientMessage.move, { dx: x0 < 500 ? 1 : -1, dy: 0, seq: 1 });
    // Each client gets only its own ack: the guest learns the move was applied, the owner sees it moved.
    await until(guest, (s) => s.players.get(guest.sessionId)?.lastInput === 1, "the guest's ack");
    await until(owner, (s) => s.players.get(guest.sessionId)?.x !== x0, "owner sees the guest's move");

    // The figures in docs/scaling.md: joinById until joined, through the other process and through the host.
    for (const [label, client] of [["cross-process", via.client], ["same-process", host.client]] as const) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const visitor = await sdkOf(client).joinById(RoomName.battle, created.room.roomId, {});
        times.push(performance.now() - started);
        await visitor.leave();
      }
      times.sort((x, y) => x - y);
      console.log(`      ${label} joinById, 20 joins: median ${times[10].toFixed(1)} ms, max ${times[19].toFixed(1)} ms`);
    }
  });

  it("spreads a burst of room creations asked of one process over both", async () => {
    // From idle: the previous test's clients may still be in the counts a process last published.
    await eventually(async () => {
      const counts = Object.values(await inspect.hgetall("roomcount"));
      return counts.length === 2 && counts.every((count) => count.split(",")[1] === "0");
    }, "both processes to publish 0 clients", 10_000);
    const seats = await Promise.all(Array.from({ length: 12 }, () => reserve(a, "create", RoomName.battle, {})));
    const onA = seats.filter((seat) => hosts(seat, a)).length;
    assert.ok(onA >= 3 && onA <= 9, `${onA} of 12 rooms on the process asked`);
    // Take the seats, so the rooms exist as clients see them, then leave them to dispose.
    await Promise.all(seats.map(async (seat) => (await (hosts(seat, a) ? a : b).client.consumeSeatReservation(seat)).leave()));
  });

  it("lists rooms hosted on one process in the lobby of the other, live", async () => {
    const lobbyA = hearAll(track(await sdkOf(a.client).joinOrCreate(RoomName.lobby, {})));
    const lobbyB = hearAll(track(await sdkOf(b.client).joinOrCreate(RoomName.lobby, {})));
    const addedA = nextMessage(lobbyA, ServerMessage["+"]);
    const addedB = nextMessage(lobbyB, ServerMessage["+"]);
    const created = await reserve(a, "create", RoomName.battle, {});
    track(hearAll(asRoom(RoomName.battle, await a.client.consumeSeatReservation(created))));
    const [[idA], [idB]] = await Promise.all([addedA, addedB]);
    assert.equal(idA, created.room.roomId);
    assert.equal(idB, created.room.roomId);

    // A lobby joined later on the other process gets it in its first list.
    const host = hosts(created, a) ? a : b;
    const late = hearAll(track(await sdkOf(other(host).client).joinOrCreate(RoomName.lobby, {})));
    const list = await nextMessage(late, ServerMessage.rooms);
    assert.ok(list.some((room) => room.roomId === created.room.roomId), "listed on the other process");
  });

  it("puts chat members joining through different processes in one channel room", async () => {
    const ann = track(hearAll(await sdkOf(a.client).joinOrCreate(RoomName.chat, { channel: "cross", name: "Ann" })));
    const annLines = record(ann);
    const ben = track(hearAll(await sdkOf(b.client).joinOrCreate(RoomName.chat, { channel: "cross", name: "Ben" })));
    const benLines = record(ben);
    assert.equal(ann.roomId, ben.roomId);
    send(ben, ClientMessage.chat, { text: "hi from B" });
    send(ann, ClientMessage.chat, { text: "hi from A" });
    await seen(ann, annLines, (l) => l.text === "hi from B", "Ann hears Ben");
    await seen(ben, benLines, (l) => l.text === "hi from A", "Ben hears Ann");
  });

  /** Ann (through A) listens while Ben (through B) keeps talking; resolves once Ann heard some. */
  async function conversation(channel: string) {
    const ann = hearAll(await sdkOf(a.client).joinOrCreate(RoomName.chat, { channel, name: "Ann" }));
    const before = record(ann);
    const ben = track(hearAll(await sdkOf(b.client).joinOrCreate(RoomName.chat, { channel, name: "Ben" })));
    const benLines = record(ben);
    const talk = chatter(ben, "b");
    await seen(ann, before, (l) => l.text === "b5", "Ann hears some lines");
    /** Resolves once Ben said `count` more lines; returns the text of the last. */
    const benSays = async (count: number, what: string) => {
      const text = `b${talk.count() + count}`;
      await seen(ben, benLines, (l) => l.text === text, what);
      return text;
    };
    return { ann, before, talk, benSays };
  }

  it("resumes a chat member who reconnects with its token: every missed line once, in order", async () => {
    const { ann, before, talk, benSays } = await conversation("resume-token");

    ann.connection.close(); // a dropped connection, not a leave
    const saidAway = await benSays(3, "lines said while Ann is away");
    const back = track(hearAll(await reconnect(a.client, ann)));
    const after = record(back);
    // The server holds Ann's lines until she says where she stopped, however long that takes.
    await benSays(2, "lines said before Ann resumes");
    assert.equal(after.length, 0, "nothing before the resume");
    send(back, ClientMessage.resume, { since: before.at(-1)!.id });
    // Lines keep coming while the missed ones are sent; then Ben stops.
    const resumedAt = talk.count();
    await seen(back, after, (l) => l.text === `b${resumedAt + 5}`, "live lines after the resume");
    const last = talk.stop();
    await seen(back, after, (l) => l.text === last, "Ben's last line");

    assert.ok(after.some((l) => l.text === saidAway), "a line said during the gap arrived");
    assertContiguous([...before, ...after]);
  });

  it("resumes a chat member who rejoins fresh with `since`, through another process", async () => {
    const { ann, before, talk, benSays } = await conversation("resume-join");

    await ann.leave();
    const saidAway = await benSays(3, "lines said while Ann is away");
    const since = before.at(-1)!.id;
    const again = track(hearAll(await sdkOf(b.client).joinOrCreate(RoomName.chat, { channel: "resume-join", name: "Ann", since })));
    const after = record(again);
    const rejoinedAt = talk.count();
    await seen(again, after, (l) => l.text === `b${rejoinedAt + 5}`, "live lines after the rejoin");
    const last = talk.stop();
    await seen(again, after, (l) => l.text === last, "Ben's last line");

    assert.equal(after[0].id, since + 1, "starts right after the last line seen");
    assert.ok(after.some((l) => l.text === saidAway), "a line said during the gap arrived");
    assertContiguous([...before, ...after]);
  });

  it("drops a SIGKILLed process's rooms from the survivor's lobby and keeps every relayed chat line", async () => {
    // A battle and a chat channel hosted on the victim; a lobby and a chat member on the survivor.
    const battle = await reserve(a, "create", RoomName.battle, {});
    const victim = hosts(battle, a) ? a : b;
    const survivor = other(victim);
    const fighter = hearAll(asRoom(RoomName.battle, await victim.client.consumeSeatReservation<BattleState>(battle)));
    const chatSeat = await reserve(victim, "create", RoomName.chat, { channel: "doomed", name: "Cy" });
    assert.ok(hosts(chatSeat, victim) || hosts(chatSeat, survivor));
    const cy = hearAll(asRoom(RoomName.chat, await (hosts(chatSeat, victim) ? victim : survivor).client.consumeSeatReservation<ChatState>(chatSeat)));
    const cyLines = record(cy);
    for (let i = 1; i <= 5; i++) send(cy, ClientMessage.chat, { text: `kept ${i}` });
    await seen(cy, cyLines, (l) => l.text === "kept 5", "lines relayed before the kill");

    const lobbySeat = await reserve(survivor, "create", RoomName.lobby);
    assert.ok(hosts(lobbySeat, survivor), "a lobby is created on the process the client asked");
    const lobby = hearAll(asRoom(RoomName.lobby, track(await survivor.client.consumeSeatReservation(lobbySeat))));
    const list = await nextMessage(lobby, ServerMessage.rooms);
    assert.ok(list.some((room) => room.roomId === battle.room.roomId), "listed before the kill");
    const removed = new Promise<number>((resolve) => {
      onMessage(lobby, ServerMessage["-"], (roomId) => roomId === battle.room.roomId && resolve(performance.now()));
    });
    const fighterDropped = new Promise<number>((resolve) => fighter.onLeave((code) => resolve(code)));

    const killedAt = performance.now();
    await victim.stop("SIGKILL");
    const goneMs = (await removed) - killedAt;
    console.log(`      SIGKILL -> gone from the survivor's lobby: ${goneMs.toFixed(0)} ms`);
    assert.ok(goneMs < DEAD_PROCESS_SWEEP_MS + 2000 + 1000, `gone within the documented time (${goneMs} ms)`);

    // The battle's players are dropped and rejoin elsewhere; the match itself is gone.
    assert.notEqual(await fighterDropped, 1000);
    const rejoined = track(hearAll(await sdkOf(survivor.client).joinOrCreate(RoomName.battle, {})));
    assert.notEqual(rejoined.roomId, battle.room.roomId);

    // Every chat line that was relayed is still there for a fresh rejoin on the survivor.
    const cyBack = track(await sdkOf(survivor.client).joinOrCreate(RoomName.chat, { channel: "doomed", name: "Cy", since: 0 }));
    const historyMessage = nextMessage(cyBack, ServerMessage.history);
    hearAll(cyBack);
    const history = await historyMessage;
    const kept = history.lines.filter((l) => l.kind === "user").map((l) => l.text);
    assert.deepEqual(kept, ["kept 1", "kept 2", "kept 3", "kept 4", "kept 5"]);
    if (victim === a) a = undefined!;
    else b = undefined!;
  });

  it("keeps chat history and line ids across room disposal and a restart, and leaves no subscription behind", async () => {
    const survivor = a ?? b;
    const topic = chatTopic("durable");
    const subscribers = async () => Number((await inspect.pubsub("NUMSUB", topic))[1]);

    const ann = hearAll(await sdkOf(survivor.client).joinOrCreate(RoomName.chat, { channel: "durable", name: "Ann" }));
    const lines = record(ann);
    for (const text of ["one", "two", "three"]) send(ann, ClientMessage.chat, { text });
    const three = await seen(ann, lines, (l) => l.text === "three", "the lines relayed");
    assert.equal(await subscribers(), 1, "the room listens on its channel topic");
    await ann.leave();
    // The room disposes once empty, and takes its Redis subscription with it.
    await eventually(async () => ((await subscribers()) === 0 ? true : undefined), "the room's subscription to go");

    await survivor.stop("SIGTERM");
    a = b = undefined!;
    const fresh = await startServer(redis.url);
    a = fresh;
    const ben = track(hearAll(await sdkOf(fresh.client).joinOrCreate(RoomName.chat, { channel: "durable", name: "Ben" })));
    const benLines = record(ben);
    await seen(ben, benLines, (l) => l.text === "Ben joined", "Ben's join line");
    const history = benLines.filter((l) => l.kind === "user").map((l) => l.text);
    assert.deepEqual(history, ["one", "two", "three"]);
    const joined = benLines.find((l) => l.text === "Ben joined")!;
    assert.ok(joined.id > three.id, "ids keep growing after the restart");
    for (const key of ["chat:{durable}:lines", "chat:{durable}:lastId"]) {
      const ttl = await inspect.ttl(key);
      assert.ok(ttl > CHAT_HISTORY_IDLE_TTL_S - 60 && ttl <= CHAT_HISTORY_IDLE_TTL_S, `${key} expires when idle (${ttl} s)`);
    }
  });
});

describe("npm run start:cluster", function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let cluster: ChildProcess | undefined;
  let inspect: Redis;

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
    inspect = new Redis(redis.url);
  });
  after(async () => {
    if (cluster?.exitCode === null && cluster.pid) process.kill(-cluster.pid, "SIGKILL");
    inspect?.disconnect();
    await redis?.stop();
  });

  it("starts processes on consecutive ports sharing one Redis, each with its own address, and stops them all on SIGTERM", async () => {
    const port = await freePortPair();
    cluster = await startCluster(redis.url, port, 2);
    assert.equal(Object.keys(await inspect.hgetall("roomcount")).length, 2, "both processes registered");

    const seats = await Promise.all(Array.from({ length: 6 }, () => reserve({ port }, "create", RoomName.battle, {})));
    const addresses = new Set(seats.map((seat) => (seat.room as { publicAddress?: string }).publicAddress));
    assert.deepEqual([...addresses].sort(), [`127.0.0.1:${port}`, `127.0.0.1:${port + 1}`]);
    const client = new Client(`ws://127.0.0.1:${port + 1}`);
    const joined = await Promise.all(seats.map((seat) => sdkOf(client).joinById(RoomName.battle, seat.room.roomId, {})));
    await Promise.all(joined.map((room) => room.leave()));

    cluster.kill("SIGTERM");
    assert.equal(await exitCode(cluster), 0);
    assert.deepEqual(await inspect.hgetall("roomcount"), {}, "both processes left gracefully");
  });
});

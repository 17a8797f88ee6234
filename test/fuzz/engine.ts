/**
 * The fuzz run: hostile messages at every room and message type through real websocket clients,
 * then checks that the server lives, every room ticks, every state is valid, and honest clients
 * noticed nothing. Used by test/security/fuzz.test.ts (short) and `npm run fuzz` (long).
 */
import type { Room } from "@colyseus/core";
import type { Room as ClientRoom } from "colyseus.js";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { BattleRoom } from "../../server/rooms/BattleRoom";
import { ChatRoom } from "../../server/rooms/ChatRoom";
import { LobbyRoom } from "../../server/rooms/LobbyRoom";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import {
  parseAttack,
  parseBattleOptions,
  parseChat,
  parseChatOptions,
  parseLobbyFilter,
  parseLobbyOptions,
  parseMove,
  parseName,
  parseVersionedJoin,
} from "../../server/shared/parse";
import {
  CHANNEL_PATTERN,
  ClientMessage,
  MAX_HP,
  MAX_SEQ,
  RoomName,
  ServerMessage,
  type ChatLine,
  type ErrorPayload,
} from "../../server/shared/protocol";
import { rawUpgrade } from "../helpers/raw";
import { hearAll, joinUnchecked, nextMessage, sdkOf, sendUnchecked, until } from "../helpers/rooms";
import type { TestServer } from "../helpers/server";
import { EVENT_TIMEOUT_MS } from "../helpers/wait";
import { Hostile } from "./generate";
import { send, onMessage } from "../../client/rooms";

export interface FuzzOptions {
  seed: number;
  /** Messages to send over the network. */
  messages: number;
  /** Hostile payloads fed straight to the parsers. */
  parserCalls: number;
  /** Fuzzing clients per room (battle, chat and lobby). */
  clientsPerRoom: number;
  /** Matchmaking requests with hostile join options, spread over the run (every room type). */
  joins: number;
  /** Messages each fuzzing client sends per tick. */
  perTick: number;
}

export interface FuzzFigures {
  seed: number;
  messagesTried: number;
  tried: Record<string, number>;
  parserCalls: number;
  /** `error` messages received by the fuzzing clients, by RefusalCode. */
  refusals: Record<string, number>;
  /** Dropped by the rate limiter without an answer (beyond the one error per run). */
  droppedSilently: number;
  /** Matchmaking requests with hostile join options, by outcome: the ServerError code, or "joined". */
  joins: Record<string, number>;
  /** Fuzzing clients disconnected by the server, by close code. */
  disconnects: Record<string, number>;
  crashes: number;
  invalidStates: number;
  problems: string[];
  heapBeforeMb: number;
  heapAfterMb: number;
  seconds: number;
}

type Fuzzer = { room: ClientRoom; kind: "battle" | "chat" | "lobby"; gone: boolean };

const count = (bag: Record<string, number>, key: string, by = 1) => (bag[key] = (bag[key] ?? 0) + by);

/** Heap after a full collection (exposes gc for this process if it was not). */
function settledHeapMb(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Everything that must hold for a battle room at any time. */
export function battleProblems(state: BattleState): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(state.tick)) problems.push(`tick ${state.tick}`);
  for (const [id, p] of state.players) {
    const bad = (what: string) => problems.push(`player ${id}: ${what}`);
    if (!Number.isInteger(p.x) || p.x < 0 || p.x > state.width) bad(`x ${p.x}`);
    if (!Number.isInteger(p.y) || p.y < 0 || p.y > state.height) bad(`y ${p.y}`);
    if (!Number.isInteger(p.hp) || p.hp < 0 || p.hp > MAX_HP) bad(`hp ${p.hp}`);
    if (p.alive !== p.hp > 0) bad(`alive ${p.alive} with hp ${p.hp}`);
    if (!Number.isInteger(p.kills) || p.kills < 0 || !Number.isInteger(p.deaths) || p.deaths < 0) bad("counters");
    if (!Number.isInteger(p.lastInput) || p.lastInput < 0 || p.lastInput > MAX_SEQ) bad(`lastInput ${p.lastInput}`);
    const name = parseName(p.name);
    if (!name.ok || name.value !== p.name) bad(`name ${JSON.stringify(p.name)}`);
  }
  return problems;
}

export function chatProblems(state: ChatState): string[] {
  const problems: string[] = [];
  if (!CHANNEL_PATTERN.test(state.channel)) problems.push(`channel ${state.channel}`);
  for (const [id, m] of state.members) {
    const name = parseName(m.name);
    if (!name.ok || name.value !== m.name) problems.push(`member ${id}: name ${JSON.stringify(m.name)}`);
  }
  return problems;
}

/** Parsers that must never throw, whatever they get; what passes is checked by the rooms' tests. */
const TOTAL_PARSERS = [parseLobbyFilter, parseLobbyOptions, parseBattleOptions, parseChatOptions, parseVersionedJoin];

/** Hostile payloads straight into the parsers: none may throw, and whatever passes must be in range. */
function fuzzParsers(hostile: Hostile, calls: number, figures: FuzzFigures) {
  const types = [ClientMessage.move, ClientMessage.attack, ClientMessage.chat, ClientMessage.filter];
  for (let i = 0; i < calls; i++) {
    const type = hostile.pick(types);
    const payload = type === ClientMessage.filter && hostile.chance(0.5) ? hostile.joinOptions(hostile.pick(Object.values(RoomName))) : hostile.payload(type);
    try {
      if (type === ClientMessage.filter) {
        for (const parse of TOTAL_PARSERS) parse(payload);
      } else if (type === ClientMessage.move) {
        const move = parseMove(payload);
        if (move.ok) {
          const { dx, dy, seq } = move.value;
          const fine = [dx, dy].every((d) => Number.isFinite(d) && d >= -1 && d <= 1 && !Object.is(d, -0));
          if (!fine || !Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) figures.problems.push(`parseMove passed ${JSON.stringify(payload)}`);
        }
      } else if (type === ClientMessage.attack) {
        parseAttack(payload);
      } else {
        const chat = parseChat(payload);
        if (chat.ok && (chat.value.text.length === 0 || chat.value.text !== chat.value.text.trim())) {
          figures.problems.push(`parseChat passed ${JSON.stringify(payload)}`);
        }
      }
    } catch (error) {
      figures.crashes++;
      figures.problems.push(`parser threw on ${type}: ${(error as Error).message}`);
    }
  }
  figures.parserCalls += calls;
}

export async function fuzz(server: TestServer, options: FuzzOptions): Promise<FuzzFigures> {
  const started = performance.now();
  const hostile = new Hostile(options.seed);
  const figures: FuzzFigures = {
    seed: options.seed, messagesTried: 0, tried: {}, parserCalls: 0, refusals: {}, droppedSilently: 0, joins: {},
    disconnects: {}, crashes: 0, invalidStates: 0, problems: [], heapBeforeMb: 0, heapAfterMb: 0, seconds: 0,
  };
  fuzzParsers(hostile, options.parserCalls, figures);

  // Crashes: an exception escaping a room handler or timer, or the process.
  const crashed = (where: string) => (error: unknown) => {
    figures.crashes++;
    figures.problems.push(`${where}: ${(error as Error)?.message ?? error}`);
  };
  const originals = [BattleRoom, ChatRoom, LobbyRoom].map((R) => [R, R.prototype.onUncaughtException] as const);
  for (const [R, original] of originals) {
    R.prototype.onUncaughtException = function (this: Room, error: Error, method: string) {
      crashed(`${this.roomName}.${method}`)(error);
      original.call(this, error, method);
    };
  }
  const onProcessError = crashed("process");
  process.on("uncaughtException", onProcessError);
  process.on("unhandledRejection", onProcessError);

  const { port } = server;
  try {
    // Honest clients: two players who stand still and one chat member who only listens.
    const channel = `fuzz-${options.seed}`;
    const honestA = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "HonestA", maxPlayers: 64 }));
    const honestB = hearAll(await sdkOf(server).joinById(RoomName.battle, honestA.roomId, { name: "HonestB" }));
    const listener = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel, name: "Listener" }));
    const watcher = hearAll(await sdkOf(server).joinOrCreate(RoomName.lobby, { filter: { name: RoomName.battle } }));
    await until(honestA, (s) => s.players.size === 2, "both honest players");
    const battle = server.getRoomById(honestA.roomId) as unknown as BattleRoom;
    const chat = server.getRoomById(listener.roomId) as unknown as ChatRoom;
    const lobby = server.getRoomById(watcher.roomId) as unknown as LobbyRoom;
    const honestErrors: ErrorPayload[] = [];
    for (const r of [honestA, honestB]) onMessage(r, ServerMessage.error, (e) => honestErrors.push(e));
    onMessage(listener, ServerMessage.error, (e) => honestErrors.push(e));
    onMessage(watcher, ServerMessage.error, (e) => honestErrors.push(e));
    const listenerLines: ChatLine[] = [];
    onMessage(listener, ServerMessage.chat, (line) => line.kind === "user" && listenerLines.push(line));
    const snapshot = () => JSON.stringify([honestA.sessionId, honestB.sessionId].map((id) => battle.state.players.get(id)!.toJSON()));
    const honestBefore = snapshot();
    const listenerBefore = JSON.stringify(chat.state.members.get(listener.sessionId)!.toJSON());
    const tickBefore = battle.state.tick;
    figures.heapBeforeMb = settledHeapMb();

    const join = async (kind: Fuzzer["kind"]): Promise<Fuzzer> => {
      const sdk = sdkOf(server);
      const room = kind === "battle"
        ? await sdk.joinById(RoomName.battle, honestA.roomId, hostile.chance(0.5) ? {} : { name: hostile.string().slice(0, 12) }).catch(() => sdk.joinById(RoomName.battle, honestA.roomId, {}))
        : kind === "chat"
          ? await sdk.joinOrCreate(RoomName.chat, { channel })
          : await joinUnchecked(server, RoomName.lobby, hostile.joinOptions(RoomName.lobby)).catch(() => sdk.joinOrCreate(RoomName.lobby, {}));
      const fuzzer: Fuzzer = { room, kind, gone: false };
      // A fuzzer is hostile: it reads only the refusal codes, and sends what it likes (sendUnchecked).
      room.onMessage(ServerMessage.error, (e: { code: string }) => count(figures.refusals, e.code));
      for (const type of Object.values(ServerMessage)) if (type !== ServerMessage.error) room.onMessage(type, () => {});
      room.onLeave((code) => {
        fuzzer.gone = true;
        count(figures.disconnects, String(code));
      });
      room.onError(() => {});
      return fuzzer;
    };
    const fuzzers: Fuzzer[] = [];
    /**
     * A dropped client keeps its seat for RECONNECT_SECONDS (those cut off or kicked excepted): take
     * the seat back with the reconnection token and leave for good, as a returning player would.
     */
    const reclaim = (f: Fuzzer) =>
      sdkOf(server).reconnect(f.kind, f.room.reconnectionToken).then((back) => hearAll(back).leave(), () => {});
    for (let i = 0; i < options.clientsPerRoom; i++) fuzzers.push(await join("battle"), await join("chat"), await join("lobby"));

    /** One matchmaking request with hostile options: refused (4217, 4218, 4250, 4251), or joined and left at once. */
    const hostileJoin = async () => {
      const name = hostile.pick(Object.values(RoomName));
      count(figures.tried, `join:${name}`);
      try {
        const joined = hearAll(await joinUnchecked(server, name, hostile.joinOptions(name)));
        count(figures.joins, "joined");
        await joined.leave();
      } catch (error) {
        count(figures.joins, String((error as { code?: unknown }).code ?? "no code"));
      }
    };
    const joinEvery = Math.max(1, Math.floor(options.messages / Math.max(1, options.joins)));
    let joinsDone = 0;

    const attempt = (f: Fuzzer, what: string, act: () => void) => {
      figures.messagesTried++;
      count(figures.tried, what);
      try {
        act();
      } catch {
        // colyseus.js may refuse to encode some values (or send after leave); the attempt still counts.
      }
    };
    const types = {
      battle: [ClientMessage.move, ClientMessage.move, ClientMessage.attack, ClientMessage.chat],
      chat: [ClientMessage.chat, ClientMessage.chat, ClientMessage.chat, ClientMessage.move],
      lobby: [ClientMessage.filter, ClientMessage.filter, ClientMessage.filter, ClientMessage.chat],
    } as const;
    let seq = 1;
    const nextTick = () => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the battle room stopped ticking")), EVENT_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        honestA.onStateChange.remove(done);
        resolve();
      };
      honestA.onStateChange(done);
    });

    while (figures.messagesTried < options.messages) {
      for (let i = 0; i < fuzzers.length; i++) {
        const f = fuzzers[i];
        if (f.gone) {
          // After leave: what a client sends on a closed room reaches nobody.
          attempt(f, "after leave", () => sendUnchecked(f.room, ClientMessage.move, { dx: 1, dy: 0, seq: 1 }));
          // Its seat is kept for RECONNECT_SECONDS: take it back and leave, so dropped fuzzers do not
          // fill the room (a long run drops hundreds).
          await reclaim(f);
          fuzzers[i] = await join(f.kind);
          continue;
        }
        for (let n = 0; n < options.perTick; n++) {
          const roll = hostile.int(100);
          const known = hostile.pick(types[f.kind]);
          if (roll < 60) attempt(f, `${f.kind}:${known}`, () => sendUnchecked(f.room, known, hostile.refusable(known)));
          else if (roll < 70 && f.kind === "battle") attempt(f, "battle:valid move", () => sendUnchecked(f.room, ClientMessage.move, { dx: hostile.number() % 1 || 0, dy: 0.5, seq: seq++ }));
          else if (roll < 80) attempt(f, "unknown type", () => sendUnchecked(f.room, hostile.pick([hostile.string().slice(0, 64), "__proto__", "constructor", "*", ""]), hostile.value()));
          else if (roll < 90) attempt(f, "binary payload", () => f.room.sendBytes(known, hostile.bytes(256)));
          else if (roll < 97) attempt(f, "number type", () => sendUnchecked(f.room, hostile.int(300), hostile.value()));
          else if (roll < 99) attempt(f, "garbage frame", () => f.room.connection.send(hostile.bytes(128).map((b, k) => (k === 0 && hostile.chance(0.5) ? 13 : b))));
          else attempt(f, "before join", () => void rawUpgrade(port, `/p/${f.room.roomId}?sessionId=${encodeURIComponent(hostile.string().slice(0, 9))}`).then((r) => {
            if (r.status !== 410) figures.problems.push(`an upgrade without a seat got ${r.status}`);
            r.socket?.destroy();
          }));
        }
      }
      while (joinsDone < options.joins && joinsDone * joinEvery <= figures.messagesTried) {
        joinsDone++;
        await hostileJoin();
      }
      await nextTick();
      figures.problems.push(...battleProblems(battle.state), ...chatProblems(chat.state));
    }

    // Everyone fuzzing leaves; the honest clients are checked, and the rooms must still work.
    await Promise.all(fuzzers.filter((f) => !f.gone).map((f) => f.room.leave().catch(() => {})));
    await Promise.all(fuzzers.filter((f) => f.gone).map(reclaim));
    await until(honestA, (s) => s.players.size === 2, "fuzzers gone from the battle");
    await until(listener, (s) => s.members.size === 1, "fuzzers gone from the chat");
    figures.droppedSilently = [battle, chat].reduce((sum, room) => sum + Object.values(room.limits.dropped).reduce((a, b) => a + (b ?? 0), 0), 0) -
      (figures.refusals.rate_limited ?? 0);
    if (battle.state.tick <= tickBefore) figures.problems.push("the battle room stopped ticking");
    if (snapshot() !== honestBefore) figures.problems.push("an honest player's state changed");
    if (JSON.stringify(chat.state.members.get(listener.sessionId)!.toJSON()) !== listenerBefore) figures.problems.push("the listener changed");
    if (honestErrors.length > 0) figures.problems.push(`honest clients were refused ${honestErrors.length} times`);
    if (listenerLines.length > 0) figures.problems.push(`the listener heard ${listenerLines.length} fuzz lines: ${JSON.stringify(listenerLines.slice(0, 3).map((l) => l.text))}`);
    // Alive and working: a newcomer's move is applied and acknowledged.
    const late = hearAll(await sdkOf(server).joinById(RoomName.battle, honestA.roomId, { name: "Late" }));
    send(late, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
    await until(late, (s) => s.players?.get(late.sessionId)?.lastInput === 1, "a move after the fuzz");
    await late.leave();
    await until(honestA, (s) => s.players.size === 2, "the newcomer gone");
    // A handler that failed was caught and answered internal_error: a bug all the same.
    if (figures.refusals.internal_error) {
      figures.crashes += figures.refusals.internal_error;
      figures.problems.push(`${figures.refusals.internal_error} messages failed in a handler (internal_error)`);
    }
    // The lobby still lists: a new filter gets the battle in a full list.
    const listed = nextMessage(watcher, ServerMessage.rooms);
    send(watcher, ClientMessage.filter, { name: RoomName.battle });
    if (!(await listed).some((room) => room.roomId === honestA.roomId)) figures.problems.push("the lobby stopped listing the battle");
    for (const room of [battle, chat, lobby]) {
      // Only the lobby's honest watcher has sent anything of those still connected.
      const honest = room === lobby ? 1 : 0;
      if (room.limits.size !== honest) figures.problems.push(`${room.roomName} rate limiter still holds ${room.limits.size} clients`);
      if (room.limits.afterCutOff !== 0) figures.problems.push(`${room.roomName} handled ${room.limits.afterCutOff} messages after a cut-off`);
    }
    figures.invalidStates = figures.problems.length - figures.crashes;
    figures.heapAfterMb = settledHeapMb();
    await Promise.all([honestA, honestB, listener, watcher].map((r) => r.leave()));
  } finally {
    for (const [R, original] of originals) R.prototype.onUncaughtException = original;
    process.off("uncaughtException", onProcessError);
    process.off("unhandledRejection", onProcessError);
    figures.seconds = (performance.now() - started) / 1000;
  }
  return figures;
}

const sorted = (bag: Record<string, number>) =>
  Object.entries(bag).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ") || "none";

export function formatFigures(f: FuzzFigures): string {
  return [
    `fuzz seed ${f.seed}: ${f.messagesTried} messages tried over the network in ${f.seconds.toFixed(1)} s, ${f.parserCalls} parser calls`,
    `  tried: ${sorted(f.tried)}`,
    `  refusals by reason: ${sorted(f.refusals)}; dropped silently by the rate limiter: ${f.droppedSilently}`,
    `  hostile joins by outcome: ${sorted(f.joins)}`,
    `  disconnects by close code: ${sorted(f.disconnects)}`,
    `  crashes: ${f.crashes}, invalid states: ${f.invalidStates}`,
    `  heap before/after (after GC): ${f.heapBeforeMb.toFixed(1)} / ${f.heapAfterMb.toFixed(1)} MB`,
    ...f.problems.slice(0, 10).map((p) => `  PROBLEM: ${p}`),
  ].join("\n");
}

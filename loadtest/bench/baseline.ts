/**
 * The bench's baseline: a minimal server on raw `ws` that does the same work as our rooms by hand,
 * so the bench can print our server's CPU as a ratio to it.
 *
 * It answers just enough of the Colyseus 0.16 protocol for the bench's raw bots (matchmaking POST,
 * JOIN_ROOM handshake, ROOM_DATA messages in msgpack) and runs the same pure rules
 * (server/shared/game.ts, parse.ts). What it leaves out is the framework: no schema encoding (a patch
 * is a flat list of 10-byte records: index, x, y as u16, lastInput as u32), no presence, no seat
 * expiry, no reconnection, no ping, no attacks (the bench's bots only move and chat).
 *
 *   PORT=2570 node --import tsx loadtest/bench/baseline.ts
 */
import { pack, unpack } from "@colyseus/msgpackr";
import { encode } from "@colyseus/schema";
import { Protocol } from "colyseus.js";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { arenaSize } from "../../server/shared/arena";
import { moveRefused, newPilot, pickSpawn, seededRng, stepPlayers, type Fighter, type MapSize, type Pilot } from "../../server/shared/game";
import { clientMessages } from "../../server/shared/messages";
import { parseBattleOptions, parseChatOptions } from "../../server/shared/parse";
import {
  BATTLE_DEFAULT_MAX_PLAYERS,
  CHAT_HISTORY_KEEP,
  CHAT_HISTORY_ON_JOIN,
  ClientMessage,
  MAX_HP,
  RefusalCode,
  RoomName,
  ServerMessage,
  TICK_MS,
  type ChatLine,
  type ServerMessageName,
  type ServerMessages,
} from "../../server/shared/protocol";
import { BASELINE_RECORD_BYTES, roomDataType } from "./probes";

const PROCESS_ID = "baseline";

/** A seated player: what the rules read (Fighter, Pilot), its record index and its socket. */
interface Seat extends Fighter, Pilot {
  index: number;
  socket?: WebSocket;
}

interface BattleRoom {
  kind: "battle";
  id: string;
  capacity: number;
  /** The battle room's map for this capacity (server/shared/arena.ts). */
  map: MapSize;
  seats: Map<string, Seat>;
  timer: NodeJS.Timeout;
  tick: number;
}
interface ChatRoom {
  kind: "chat";
  id: string;
  channel: string;
  seats: Map<string, { socket?: WebSocket; name: string }>;
  /** The newest CHAT_HISTORY_KEEP lines, oldest first. */
  history: ChatLine[];
  nextLineId: number;
}
type AnyRoom = BattleRoom | ChatRoom;

const rooms = new Map<string, AnyRoom>();
const rng = seededRng(1);
let roomCounter = 0;
let playerCounter = 0;

/** Encodes a message of room type `_room` as @colyseus/core does; the payload must match the protocol record (server/shared/messages.ts). */
function frame<R extends RoomName, K extends ServerMessageName<R>>(_room: R, type: K, payload: ServerMessages[R][K]): Buffer {
  const head = Buffer.alloc(2 + Buffer.byteLength(type) + 4);
  head[0] = Protocol.ROOM_DATA;
  const it = { offset: 1 };
  encode.string(head, type, it);
  return Buffer.concat([head.subarray(0, it.offset), pack(payload)]);
}

function createBattle(capacity: number): BattleRoom {
  const room: BattleRoom = { kind: "battle", id: `b${++roomCounter}`, capacity, map: arenaSize(capacity), seats: new Map(), timer: undefined!, tick: 0 };
  room.timer = setInterval(() => tickBattle(room), TICK_MS);
  rooms.set(room.id, room);
  return room;
}

function createChat(channel: string): ChatRoom {
  const room: ChatRoom = { kind: "chat", id: `c${++roomCounter}`, channel, seats: new Map(), history: [], nextLineId: 1 };
  rooms.set(room.id, room);
  return room;
}

/** Matchmaking: returns the room a seat was reserved in and the seat's sessionId, or an error. */
function matchmake(method: string, target: string, options: unknown): { room: AnyRoom; sessionId: string } | string {
  let room: AnyRoom | undefined;
  if (method === "joinById") {
    room = rooms.get(target);
  } else if (target === RoomName.battle) {
    const parsed = parseBattleOptions(options);
    if (!parsed.ok) return parsed.message;
    if (method === "joinOrCreate") room = [...rooms.values()].find((r) => r.kind === "battle" && r.seats.size < r.capacity);
    room ??= createBattle(parsed.value.maxPlayers ?? BATTLE_DEFAULT_MAX_PLAYERS);
  } else if (target === RoomName.chat) {
    const parsed = parseChatOptions(options);
    if (!parsed.ok) return parsed.message;
    room = [...rooms.values()].find((r) => r.kind === "chat" && r.channel === parsed.value.channel) ?? createChat(parsed.value.channel);
  }
  if (!room) return "no such room";
  const sessionId = String(++playerCounter % 0xffff);
  if (room.kind === "battle") {
    if (room.seats.size >= room.capacity) return "room is full";
    const spot = pickSpawn(rng, room.seats.values(), room.map);
    const fighter = { x: spot.x, y: spot.y, hp: MAX_HP, alive: true, kills: 0, deaths: 0 };
    room.seats.set(sessionId, { index: Number(sessionId), ...fighter, ...newPilot(performance.now()) });
  } else {
    room.seats.set(sessionId, { name: `member${sessionId}` });
  }
  return { room, sessionId };
}

function record(pilot: Seat, into: Buffer, offset: number) {
  into.writeUInt16LE(pilot.index, offset);
  into.writeUInt16LE(pilot.x, offset + 2);
  into.writeUInt16LE(pilot.y, offset + 4);
  into.writeUInt32LE(pilot.acked, offset + 6);
}

function tickBattle(room: BattleRoom) {
  room.tick += 1;
  const pilots = [...room.seats.values()];
  const acked = pilots.map((pilot) => pilot.acked);
  stepPlayers(pilots.map((pilot) => [pilot, pilot] as const), { simMs: room.tick * TICK_MS, clockMs: performance.now() }, rng, room.map);
  const changed = pilots.filter((pilot, i) => pilot.acked !== acked[i]);
  if (changed.length === 0) return;
  const patch = Buffer.alloc(1 + changed.length * BASELINE_RECORD_BYTES);
  patch[0] = Protocol.ROOM_STATE_PATCH;
  changed.forEach((pilot, i) => record(pilot, patch, 1 + i * BASELINE_RECORD_BYTES));
  for (const pilot of room.seats.values()) pilot.socket?.send(patch);
}

function refuse(socket: WebSocket, type: string, code: RefusalCode, message: string) {
  socket.send(frame(RoomName.battle, ServerMessage.error, { code, message, type }));
}

function onBattleMessage(pilot: Seat, socket: WebSocket, type: string | number, payload: unknown) {
  if (type !== ClientMessage.move) return refuse(socket, String(type), RefusalCode.unknownType, "unknown type");
  const move = clientMessages.battle.move.parse(payload);
  if (!move.ok) return refuse(socket, type, move.code, move.message);
  const refused = moveRefused(move.value.seq, pilot.lastSeq, pilot.moves.length);
  if (refused) return refuse(socket, type, refused.code, refused.message);
  pilot.lastSeq = move.value.seq;
  pilot.moves.push(move.value);
}

function post(room: ChatRoom, line: Omit<ChatLine, "id" | "time">) {
  const full: ChatLine = { ...line, id: room.nextLineId++, time: Date.now() };
  room.history.push(full);
  if (room.history.length > CHAT_HISTORY_KEEP) room.history.shift();
  const bytes = frame(RoomName.chat, ServerMessage.chat, full);
  for (const seat of room.seats.values()) seat.socket?.send(bytes);
}

function onChatMessage(room: ChatRoom, sessionId: string, socket: WebSocket, type: string | number, payload: unknown) {
  if (type !== ClientMessage.chat) return refuse(socket, String(type), RefusalCode.unknownType, "unknown type");
  const chat = clientMessages.chat.chat.parse(payload);
  if (!chat.ok) return refuse(socket, type, chat.code, chat.message);
  post(room, { kind: "user", name: room.seats.get(sessionId)!.name, sessionId, playerId: sessionId, text: chat.value.text });
}

function onJoined(room: AnyRoom, sessionId: string, socket: WebSocket) {
  if (room.kind === "battle") {
    const pilot = room.seats.get(sessionId)!;
    pilot.socket = socket;
    const pilots = [...room.seats.values()];
    const full = Buffer.alloc(1 + pilots.length * BASELINE_RECORD_BYTES);
    full[0] = Protocol.ROOM_STATE;
    pilots.forEach((p, i) => record(p, full, 1 + i * BASELINE_RECORD_BYTES));
    socket.send(full);
  } else {
    const seat = room.seats.get(sessionId)!;
    seat.socket = socket;
    socket.send(frame(RoomName.chat, ServerMessage.history, { lines: room.history.slice(-CHAT_HISTORY_ON_JOIN) }));
    post(room, { kind: "system", name: "", sessionId: "", playerId: "", text: `${seat.name} joined` });
  }
}

function onConnection(socket: WebSocket, request: IncomingMessage) {
  const url = new URL(request.url ?? "/", "ws://baseline");
  const room = rooms.get(url.pathname.split("/").pop() ?? "");
  const sessionId = url.searchParams.get("sessionId") ?? "";
  if (!room || !room.seats.has(sessionId)) return socket.close(4002, "seat reservation expired.");
  let joined = false;
  socket.on("message", (data: Buffer) => {
    if (!joined) {
      if (data[0] !== Protocol.JOIN_ROOM) return;
      joined = true;
      return onJoined(room, sessionId, socket);
    }
    if (data[0] !== Protocol.ROOM_DATA) return;
    const it = { offset: 1 };
    const type = roomDataType(data, it);
    const payload = data.byteLength > it.offset ? unpack(data.subarray(it.offset)) : undefined;
    if (room.kind === "battle") onBattleMessage(room.seats.get(sessionId)!, socket, type, payload);
    else onChatMessage(room, sessionId, socket, type, payload);
  });
  socket.on("close", () => {
    room.seats.delete(sessionId);
    if (room.seats.size > 0) return;
    if (room.kind === "battle") clearInterval(room.timer);
    rooms.delete(room.id);
  });
  // The handshake colyseus.js expects: JOIN_ROOM, reconnection token, serializer id (both empty here).
  socket.send(Buffer.of(Protocol.JOIN_ROOM, 0, 0));
}

function onRequest(request: IncomingMessage, response: ServerResponse) {
  const reply = (status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const path = /^\/matchmake\/(\w+)\/([\w-]+)$/.exec(request.url ?? "");
  if (request.url === "/__healthcheck") return reply(200, {});
  if (request.method !== "POST" || !path) return reply(404, { error: "not found" });
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    let options: unknown;
    try {
      options = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
      return reply(400, { error: "invalid JSON" });
    }
    const seat = matchmake(path[1], path[2], options);
    if (typeof seat === "string") return reply(400, { error: seat, code: 4212 });
    reply(200, { room: { roomId: seat.room.id, processId: PROCESS_ID, name: seat.room.kind }, sessionId: seat.sessionId });
  });
}

const server = createServer(onRequest);
new WebSocketServer({ server, perMessageDeflate: false }).on("connection", onConnection);
server.listen(Number(process.env.PORT ?? 2570), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));

/** The server pieces the browser client relies on: the live lobby, private rooms, kept seats. */
import type { ColyseusTestServer } from "@colyseus/testing";
import assert from "node:assert/strict";
import type { Room as ClientRoom } from "colyseus.js";
import { RoomName, ServerMessage, type ChatLine } from "../server/shared/protocol";
import type { BattleState } from "../server/rooms/schema/BattleState";
import type { ChatState } from "../server/rooms/schema/ChatState";
import { bootServer, collect, EVENT_TIMEOUT_MS, hearAll, nextMessage, until } from "./helpers/server";

interface Listed {
  roomId: string;
  clients: number;
}

/** Resolves once `predicate` holds for a lobby message of `type`. */
function lobbyMessage<T>(lobby: ClientRoom, type: string, predicate: (message: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for lobby "${type}"`)), EVENT_TIMEOUT_MS);
    const unbind = lobby.onMessage(type, (message: T) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      unbind();
      resolve(message);
    });
  });
}

/** Cuts a client's socket from the server side, as a network drop does (no consented leave). */
function dropSocket(server: ColyseusTestServer, roomId: string, sessionId: string) {
  const client = server.getRoomById(roomId).clients.find((c) => c.sessionId === sessionId)!;
  (client.ref as unknown as { terminate(): void }).terminate();
}

const left = (room: ClientRoom) => new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));

describe("lobby, private rooms and reconnection", () => {
  let server: ColyseusTestServer;

  before(async () => {
    server = await bootServer();
  });
  afterEach(() => server.cleanup());
  after(() => server.shutdown());

  it("lists public battle rooms live with their player counts, and never a private one", async () => {
    const lobby = await server.sdk.joinOrCreate(RoomName.lobby, { filter: { name: RoomName.battle } });
    const first = await lobbyMessage<Listed[]>(lobby, "rooms", () => true);
    assert.deepEqual(first, []);

    const hidden = await server.sdk.create<BattleState>(RoomName.battle, { private: true });
    const added = lobbyMessage<[string, Listed]>(lobby, "+", ([, room]) => room.clients === 1);
    const ann = await server.sdk.joinOrCreate<BattleState>(RoomName.battle, { name: "Ann" });
    assert.notEqual(ann.roomId, hidden.roomId, "joinOrCreate never picks a private room");
    assert.equal((await added)[0], ann.roomId);

    const grown = lobbyMessage<[string, Listed]>(lobby, "+", ([id, room]) => id === ann.roomId && room.clients === 2);
    const ben = await server.sdk.joinById<BattleState>(hidden.roomId, { name: "Ben" });
    await server.sdk.joinById(ann.roomId, { name: "Cat" });
    await grown;
    assert.equal(ben.roomId, hidden.roomId, "a private room is joined by its id");

    const removed = lobbyMessage<string>(lobby, "-", (id) => id === ann.roomId);
    await server.getRoomById(ann.roomId).disconnect();
    await removed;
  });

  it("keeps a dropped battle player's seat, position, HP and score for a reconnection", async () => {
    const ann = hearAll(await server.sdk.joinOrCreate<BattleState>(RoomName.battle, { name: "Ann" }));
    const ben = hearAll(await server.sdk.joinOrCreate<BattleState>(RoomName.battle, { name: "Ben" }));
    await until(ann, (s) => s.players?.has(ann.sessionId) === true, "own player");
    const player = server.getRoomById<BattleState>(ann.roomId).state.players.get(ann.sessionId)!;
    Object.assign(player, { x: 123, y: 456, hp: 70, kills: 2 });
    await until(ben, (s) => s.players?.get(ann.sessionId)?.hp === 70, "Ann at 70 HP");

    const token = ann.reconnectionToken;
    const gone = left(ann);
    dropSocket(server, ann.roomId, ann.sessionId);
    assert.notEqual(await gone, 4000, "not a consented leave");
    assert.equal(server.getRoomById<BattleState>(ann.roomId).state.players.has(ann.sessionId), true, "seat kept");

    const back = hearAll(await server.sdk.reconnect<BattleState>(token));
    assert.equal(back.sessionId, ann.sessionId);
    const me = (await until(back, (s) => s.players?.has(back.sessionId) === true, "own player")).players.get(back.sessionId)!;
    assert.deepEqual([me.name, me.x, me.y, me.hp, me.kills], ["Ann", 123, 456, 70, 2]);
    assert.equal(ben.state.players.size, 2);
  });

  it("frees the seat at once on a deliberate leave", async () => {
    const ann = hearAll(await server.sdk.joinOrCreate<BattleState>(RoomName.battle, { name: "Ann" }));
    const token = ann.reconnectionToken;
    await ann.leave(true);
    await assert.rejects(server.sdk.reconnect(token));
  });

  it("keeps a dropped chat member in the channel without a leave line", async () => {
    const ann = await server.sdk.joinOrCreate<ChatState>(RoomName.chat, { channel: "keep", name: "Ann" });
    const ben = await server.sdk.joinOrCreate<ChatState>(RoomName.chat, { channel: "keep", name: "Ben" });
    for (const room of [ann, ben]) hearAll(room);
    const lines = collect<ChatLine>(ben, ServerMessage.chat);

    const gone = left(ann);
    dropSocket(server, ann.roomId, ann.sessionId);
    await gone;
    const back = hearAll(await server.sdk.reconnect<ChatState>(ann.reconnectionToken));
    const said = nextMessage<ChatLine>(ben, ServerMessage.chat);
    back.send("chat", { text: "back again" });
    assert.equal((await said).name, "Ann");
    assert.deepEqual(lines.filter((l) => l.kind === "system" && /left/.test(l.text)), [], "no leave line");
  });
});

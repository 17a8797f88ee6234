/** The server pieces the browser client relies on: the live lobby, private rooms, kept seats. */
import assert from "node:assert/strict";
import { onMessage, rejoin, send } from "../../client/rooms";
import { LOBBY_FULL_LIST_INTERVAL_MS } from "../../server/shared/tuning";
import { ClientMessage, ServerMessage } from "../../server/shared/messages";
import { RoomName } from "../../server/shared/payloads";
import { roomNameParts } from "../../server/shared/roomNames";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { closedWith, collect, hearAll, nextMessage, until, sdkOf } from "../helpers/rooms";
import { useServer, type TestServer } from "../helpers/server";
import { EVENT_TIMEOUT_MS, eventually } from "../helpers/wait";

/** Cuts a client's socket from the server side, as a network drop does (no consented leave). */
function dropSocket(server: TestServer, roomId: string, sessionId: string) {
  const client = server.getRoomById(roomId).clients.find((c) => c.sessionId === sessionId)!;
  (client.ref as unknown as { terminate(): void }).terminate();
}

describe("lobby, private rooms and reconnection", () => {
  const server = useServer();

  it("lists public battle rooms live with their player counts, and never a private one", async () => {
    const lobby = hearAll(await sdkOf(server).joinOrCreate(RoomName.lobby, { filter: { name: RoomName.battle } }));
    const first = await nextMessage(lobby, ServerMessage.rooms);
    assert.deepEqual(first, []);

    const hidden = hearAll(await sdkOf(server).create(RoomName.battle, { private: true }));
    const added = nextMessage(lobby, ServerMessage["+"], ([, room]) => room.clients === 1);
    const ann = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Ann" }));
    assert.notEqual(ann.roomId, hidden.roomId, "joinOrCreate never picks a private room");
    const [addedId, listed] = await added;
    assert.equal(addedId, ann.roomId);
    // The friendly name, as word indexes every client words in its language; the battle's state holds the same.
    assert.deepEqual(listed.metadata.name, roomNameParts(ann.roomId));
    const state = await until(ann, (s) => s.players?.size === 1, "Ann's first state");
    assert.deepEqual({ modifier: state.nameModifier, noun: state.nameNoun }, roomNameParts(ann.roomId));

    const grown = nextMessage(lobby, ServerMessage["+"], ([id, room]) => id === ann.roomId && room.clients === 2);
    const ben = hearAll(await sdkOf(server).joinById(RoomName.battle, hidden.roomId, { name: "Ben" }));
    hearAll(await sdkOf(server).joinById(RoomName.battle, ann.roomId, { name: "Cat" }));
    await grown;
    assert.equal(ben.roomId, hidden.roomId, "a private room is joined by its id");

    const removed = nextMessage(lobby, ServerMessage["-"], (id) => id === ann.roomId);
    await server.getRoomById(ann.roomId).disconnect();
    await removed;
  });

  it(`sends the whole list at most once per ${LOBBY_FULL_LIST_INTERVAL_MS} ms: a filter sooner is answered then, for the latest filter`, async function () {
    this.timeout(LOBBY_FULL_LIST_INTERVAL_MS + 2 * EVENT_TIMEOUT_MS);
    const battle = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, {}));
    const chat = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "listed" }));
    const lobby = hearAll(await sdkOf(server).joinOrCreate(RoomName.lobby, { filter: { name: RoomName.chat } }));
    const lists: { at: number; ids: string[] }[] = [];
    onMessage(lobby, ServerMessage.rooms, (rooms) => lists.push({ at: performance.now(), ids: rooms.map((r) => r.roomId) }));
    await eventually(() => lists.length === 1, "the list on join");
    assert.deepEqual(lists[0].ids, [chat.roomId]);

    send(lobby, ClientMessage.filter, { name: RoomName.chat });
    send(lobby, ClientMessage.filter, { name: RoomName.battle });
    await eventually(() => lists.length === 2, "the list for the latest filter", LOBBY_FULL_LIST_INTERVAL_MS + EVENT_TIMEOUT_MS);
    assert.deepEqual(lists[1].ids, [battle.roomId], "one list, for the latest filter");
    // The room clock ticks with the patch rate: the list may come up to one tick early.
    assert.ok(lists[1].at - lists[0].at >= LOBBY_FULL_LIST_INTERVAL_MS - 100, `${(lists[1].at - lists[0].at).toFixed(0)} ms apart`);

    // Changes in between go out one room at a time, for the filter in force.
    const added = nextMessage(lobby, ServerMessage["+"]);
    const other = hearAll(await sdkOf(server).create(RoomName.battle, {}));
    assert.equal((await added)[0], other.roomId);
    assert.equal(lists.length, 2, "no full list for a change");
  });

  it("tells lobby clients of a shutdown", async () => {
    const lobby = hearAll(await sdkOf(server).joinOrCreate(RoomName.lobby, {}));
    const notice = nextMessage(lobby, ServerMessage.shutdown);
    server.getRoomById(lobby.roomId).onBeforeShutdown();
    assert.equal((await notice).reconnect, false);
  });

  it("keeps a dropped battle player's seat, position, HP and score for a reconnection", async () => {
    const ann = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Ann" }));
    const ben = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Ben" }));
    await until(ann, (s) => s.players?.has(ann.sessionId) === true, "own player");
    const player = server.getRoomById<BattleState>(ann.roomId).state.players.get(ann.sessionId)!;
    Object.assign(player, { x: 123, y: 456, hp: 70, kills: 2 });
    await until(ben, (s) => s.players?.get(ann.sessionId)?.hp === 70, "Ann at 70 HP");

    const token = ann.reconnectionToken;
    const gone = closedWith(ann);
    dropSocket(server, ann.roomId, ann.sessionId);
    assert.notEqual(await gone, 4000, "not a consented leave");
    assert.equal(server.getRoomById<BattleState>(ann.roomId).state.players.has(ann.sessionId), true, "seat kept");

    const back = hearAll(await sdkOf(server).reconnect(RoomName.battle, token));
    assert.equal(back.sessionId, ann.sessionId);
    const me = (await until(back, (s) => s.players?.has(back.sessionId) === true, "own player")).players.get(back.sessionId)!;
    assert.deepEqual([me.name, me.x, me.y, me.hp, me.kills], ["Ann", 123, 456, 70, 2]);
    assert.equal(ben.state.players.size, 2);
  });

  it("frees the seat at once on a deliberate leave", async () => {
    const ann = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Ann" }));
    const token = ann.reconnectionToken;
    await ann.leave(true);
    await assert.rejects(sdkOf(server).reconnect(RoomName.battle, token));
  });

  it("keeps a dropped chat member in the channel without a leave line", async () => {
    const ann = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "keep", name: "Ann" }));
    const ben = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "keep", name: "Ben" }));
    const lines = collect(ben, ServerMessage.chat);

    const gone = closedWith(ann);
    dropSocket(server, ann.roomId, ann.sessionId);
    await gone;
    const back = hearAll(await rejoin(server.sdk, ann));
    const said = nextMessage(ben, ServerMessage.chat);
    send(back, ClientMessage.chat, { text: "back again" });
    assert.equal((await said).name, "Ann");
    assert.deepEqual(lines.filter((l) => l.kind === "system" && /left/.test(l.text)), [], "no leave line");
  });
});

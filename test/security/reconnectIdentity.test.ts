/**
 * A reconnection reopens a seat for its own player only (auth mode): another player's valid token
 * with the seat's reconnection token is refused at matchmaking, and a replayed socket URL is closed.
 */
import assert from "node:assert/strict";
import { createSecretKey } from "node:crypto";
import { Client } from "colyseus.js";
import { WebSocket } from "ws";
import { ClientMessage, JOIN_NOT_YOUR_SEAT, RoomName, ServerMessage } from "../../server/shared/protocol";
import { mintToken } from "../../scripts/token";
import { nextLine, say } from "../helpers/chat";
import { hearAll, nextMessage, sdkOf, until, type Via } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { send, type GameRoom } from "../../client/rooms";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const KEY = createSecretKey(Buffer.from(SECRET));
const tokenFor = (sub: string) => mintToken(KEY, "HS256", { sub, name: sub });

describe("reconnection bound to the seat's identity (auth mode)", () => {
  const server = useServer({ AUTH_JWT_SECRET: SECRET });

  async function playerAs(sub: string): Promise<Client> {
    const client = new Client(server.httpUrl);
    client.auth.token = await tokenFor(sub);
    return client;
  }

  /** Drops the room's socket without consenting: the server keeps the seat for a reconnection. */
  async function drop<R extends RoomName, S>(room: GameRoom<R, S>): Promise<void> {
    const dropped = new Promise<void>((resolve) => room.onLeave(() => resolve()));
    room.connection.close();
    await dropped;
  }

  const reconnect = <R extends RoomName, S>(via: Via, room: GameRoom<R, S>) => sdkOf(via).reconnect(room.name as R, room.reconnectionToken);

  it("battle: another player's token with the seat's reconnection token is refused with its own code; the owner gets the seat back", async () => {
    const alice = await playerAs("alice");
    const battle = hearAll(await sdkOf(alice).joinOrCreate(RoomName.battle, {}));
    await until(battle, (s) => s.players?.has(battle.sessionId), "own player");
    await drop(battle);

    await assert.rejects(reconnect(await playerAs("mallory"), battle), { code: JOIN_NOT_YOUR_SEAT });
    const back = hearAll(await reconnect(alice, battle));
    assert.equal(back.sessionId, battle.sessionId);
    send(back, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
    await until(back, (s) => s.players?.get(back.sessionId)?.lastInput === 1, "alice's move acknowledged");
  });

  it("chat: another player cannot speak in the seat's name; the owner's seat waits for it", async () => {
    const alice = await playerAs("alice");
    const chat = hearAll(await sdkOf(alice).joinOrCreate(RoomName.chat, { channel: "seats" }));
    await nextMessage(chat, ServerMessage.history);
    const bob = hearAll(await sdkOf(await playerAs("bob")).joinOrCreate(RoomName.chat, { channel: "seats" }));
    await nextMessage(bob, ServerMessage.history);
    await drop(chat);

    await assert.rejects(reconnect(await playerAs("mallory"), chat), { code: JOIN_NOT_YOUR_SEAT });
    const back = hearAll(await reconnect(alice, chat));
    // A reconnected member says where it stopped first.
    const caughtUp = nextMessage(back, ServerMessage.history);
    send(back, ClientMessage.resume, { since: 0 });
    await caughtUp;
    const heard = nextLine(bob, (l) => l.text === "still alice");
    const line = await say(back, "still alice");
    assert.deepEqual([(await heard).playerId, line.playerId], ["alice", "alice"]);
    assert.deepEqual([...server.getRoomById(chat.roomId).state.members.values()].map((m) => m.playerId).sort(), ["alice", "bob"]);
  });

  it("closes a replayed reconnection URL carrying another player's token, and the owner still reconnects", async () => {
    const alice = await playerAs("alice");
    const battle = hearAll(await sdkOf(alice).joinOrCreate(RoomName.battle, {}));
    await until(battle, (s) => s.players?.has(battle.sessionId), "own player");
    await drop(battle);
    // The owner's matchmaking `reconnect` passes; its socket URL (as a proxy log would keep it) is replayed first.
    const [roomId, token] = battle.reconnectionToken.split(":");
    const reservation = await fetch(`${server.httpUrl}/matchmake/reconnect/${roomId}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${alice.auth.token}` },
      body: JSON.stringify({ reconnectionToken: token }),
    }).then((response) => response.json() as Promise<{ room: { processId: string }; sessionId: string }>);
    const url = `${server.wsUrl}/${reservation.room.processId}/${roomId}?sessionId=${reservation.sessionId}&reconnectionToken=${token}&_authToken=${await tokenFor("mallory")}`;
    const replay = new WebSocket(url);
    const closed = await new Promise<number>((resolve) => replay.once("close", resolve));
    assert.equal(closed, JOIN_NOT_YOUR_SEAT);

    const back = hearAll(await reconnect(alice, battle));
    assert.equal(back.sessionId, battle.sessionId);
    await eventually(() => server.getRoomById(roomId).clients.length === 1, "alice alone in her seat");
  });
});

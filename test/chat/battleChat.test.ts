/** A battle's chat channel is for that battle's players, and a private battle's never shows in the lobby. */
import assert from "node:assert/strict";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { battleChannel } from "../../server/shared/channel";
import {
  ClientMessage,
  JOIN_NOT_A_MEMBER,
  JOIN_OTHER_CHANNEL,
  RoomName,
  ServerMessage,
} from "../../server/shared/protocol";
import { collect, hearAll, nextMessage, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { send, type GameRoom } from "../../client/rooms";

describe("battle chat channels", () => {
  const server = useServer();

  function ticketOf(battle: GameRoom<"battle", BattleState>) {
    const answer = nextMessage(battle, ServerMessage.battleChat);
    send(battle, ClientMessage.chatTicket);
    return answer;
  }

  it("admits a private battle's players with their ticket, refuses everyone else, and lists nothing in the lobby", async () => {
    const battle = hearAll(await sdkOf(server).create(RoomName.battle, { name: "Host", private: true }));
    const ticket = await ticketOf(battle);
    assert.equal(ticket.channel, battleChannel(battle.roomId));
    const chat = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: ticket.channel, ticket: ticket.ticket, name: "Host" }));
    const heard = collect(chat, ServerMessage.chat);
    send(chat, ClientMessage.chat, { text: "players only" });
    await eventually(() => heard.some((l) => l.text === "players only"), "the member's own line");

    // The attacker lists rooms in the lobby: neither the private battle nor its channel is there.
    const lobby = hearAll(await sdkOf(server).joinOrCreate(RoomName.lobby, {}));
    const listed = await nextMessage(lobby, ServerMessage.rooms);
    assert.ok(!listed.some((room) => room.roomId === battle.roomId || room.roomId === chat.roomId), JSON.stringify(listed));

    // Even knowing the channel, no ticket, a forged one, or another battle's does not get in.
    const other = hearAll(await sdkOf(server).create(RoomName.battle, { name: "Other" }));
    const otherTicket = await ticketOf(other);
    for (const options of [
      { channel: ticket.channel },
      { channel: ticket.channel, ticket: "forged-ticket-forged-tick" },
      { channel: ticket.channel, ticket: otherTicket.ticket },
    ]) {
      await assert.rejects(sdkOf(server).joinOrCreate(RoomName.chat, options), { code: JOIN_NOT_A_MEMBER }, JSON.stringify(options));
    }
    assert.equal(server.getRoomById(chat.roomId).clients.length, 1, "no one else got in");
  });

  it("a player who left the battle can no longer join its chat with its old ticket", async () => {
    const host = hearAll(await sdkOf(server).create(RoomName.battle, { private: true }));
    const guest = hearAll(await sdkOf(server).joinById(RoomName.battle, host.roomId, {}));
    const ticket = await ticketOf(guest);
    await guest.leave();
    await eventually(() => server.getRoomById(host.roomId).clients.length === 1, "the guest gone");
    await eventually(
      () => sdkOf(server).joinOrCreate(RoomName.chat, { channel: ticket.channel, ticket: ticket.ticket }).then(
        (room) => (hearAll(room).leave(), false),
        (error: { code: number }) => error.code === JOIN_NOT_A_MEMBER,
      ),
      "the old ticket refused",
    );
    const hostTicket = await ticketOf(host);
    const chat = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: hostTicket.channel, ticket: hostTicket.ticket }));
    assert.ok(chat.sessionId);
  });

  it("refuses a join by the battle chat's room id whose options name another channel, before and at the seat", async () => {
    const host = hearAll(await sdkOf(server).create(RoomName.battle, { private: true }));
    const former = hearAll(await sdkOf(server).joinById(RoomName.battle, host.roomId, {}));
    const ticket = await ticketOf(host);
    const chat = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: ticket.channel, ticket: ticket.ticket, name: "Host" }));
    await former.leave();
    await eventually(() => server.getRoomById(host.roomId).clients.length === 1, "the former player gone");

    for (const options of [{ channel: "general" }, { channel: "general", ticket: ticket.ticket }]) {
      await assert.rejects(sdkOf(server).joinById(RoomName.chat, chat.roomId, options), { code: JOIN_OTHER_CHANNEL }, JSON.stringify(options));
    }
    // The room's own check, for a listing that does not name its channel yet.
    const room = server.getRoomById(chat.roomId);
    room.listing.metadata = {};
    // Refused on the socket: colyseus.js warns on the console about the error and the close that follows.
    const warn = console.warn;
    const warned: string[] = [];
    console.warn = (...args: unknown[]) => void warned.push(args.join(" "));
    try {
      await assert.rejects(sdkOf(server).joinById(RoomName.chat, chat.roomId, { channel: "general" }), { code: JOIN_OTHER_CHANNEL });
      await eventually(() => warned.some((line) => line.includes("closed unexpectedly")), "the refused socket closed");
    } finally {
      console.warn = warn;
    }
    await eventually(() => room.clients.length === 1 && Object.keys(room.state.members.toJSON()).length === 1, "only the host seated");
    assert.deepEqual([...room.state.members.values()].map((m) => m.name), ["Host"]);
  });
});

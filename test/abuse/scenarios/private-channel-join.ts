import assert from "node:assert/strict";
import { battleChannel } from "../../../server/shared/channel";
import {
  ClientMessage,
  JOIN_NOT_A_MEMBER,
  RoomName,
  ServerMessage,
} from "../../../server/shared/protocol";
import { record } from "../../helpers/chat";
import { clientFrom, joinChat, loopFor, spreadAddress, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";
import { hearAll, nextMessage, sdkOf } from "../../helpers/rooms";
import { send } from "../../../client/rooms";

/** Find a private battle's chat room in the lobby list and join it by its channel. */
export const scenario: AbuseScenario = {
  name: "private-channel-join",
  attack: "list chat rooms in the lobby, join a private battle's channel without its ticket",
  async run(ctx) {
    const host = clientFrom(ctx, "10.4.0.1");
    const battle = hearAll(await sdkOf(host).create(RoomName.battle, { name: "Host", private: true }));
    const answer = nextMessage(battle, ServerMessage.battleChat);
    send(battle, ClientMessage.chatTicket);
    const ticket = await answer;
    const chat = await joinChat(host, { channel: ticket.channel, ticket: ticket.ticket, name: "Host" });
    const lines = record(chat);

    const attacker = clientFrom(ctx, "10.4.6.6");
    const lobby = hearAll(await sdkOf(attacker).joinOrCreate(RoomName.lobby, {}));
    const listed = await nextMessage(lobby, ServerMessage.rooms);
    await lobby.leave();
    const leaked = listed.filter((room) => room.roomId === battle.roomId || String(room.metadata.channel ?? "").startsWith("battle-")).length;
    let refused = 0;
    let admitted = 0;
    const attempts = await loopFor(ctx, ctx.short ? 1000 : 20_000, ctx.short ? 10 : 2000, async (i) => {
      const options = i % 2 === 0 ? { channel: battleChannel(battle.roomId) } : { channel: battleChannel(battle.roomId), ticket: `guess-${i}` };
      try {
        await (await sdkOf(clientFrom(ctx, spreadAddress(4, i))).joinOrCreate(RoomName.chat, options)).leave();
        admitted++;
      } catch (error) {
        if ((error as { code?: number }).code === JOIN_NOT_A_MEMBER) refused++;
        else throw error;
      }
    });
    send(chat, ClientMessage.chat, { text: "players only" });
    await waitFor(() => lines.some((l) => l.text === "players only"), "the host's own line");
    await Promise.all([chat.leave(), battle.leave()]);
    assert.equal(leaked, 0, "the private battle or its channel is listed in the lobby");
    assert.equal(admitted, 0, "the attacker got into the private channel");
    return { attempts, refused, admitted, listedInLobby: leaked };
  },
};

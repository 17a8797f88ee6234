import assert from "node:assert/strict";
import { battleChannel } from "../../../server/shared/channel";
import {
  ClientMessage,
  JOIN_NOT_A_MEMBER,
  RoomName,
  ServerMessage,
  type BattleChatTicket,
} from "../../../server/shared/protocol";
import { clientFrom, heard, joinChat, loopFor, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";

/** Issue 13 item 4: find a private battle's chat room in the lobby list and join it by its channel. */
export const scenario: AbuseScenario = {
  name: "private-channel-join",
  attack: "list chat rooms in the lobby, join a private battle's channel without its ticket",
  async run(ctx) {
    const host = clientFrom(ctx, "10.4.0.1");
    const battle = await host.create(RoomName.battle, { name: "Host", private: true });
    for (const type of Object.values(ServerMessage)) battle.onMessage(type, () => {});
    const ticket = await new Promise<BattleChatTicket>((resolve) => {
      battle.onMessage(ServerMessage.battleChat, resolve);
      battle.send(ClientMessage.chatTicket);
    });
    const chat = await joinChat(host, { channel: ticket.channel, ticket: ticket.ticket, name: "Host" });
    const lines = heard(chat);

    const attacker = clientFrom(ctx, "10.4.6.6");
    const lobby = await attacker.joinOrCreate(RoomName.lobby, {});
    const listed = await new Promise<{ roomId: string; metadata?: { channel?: string } }[]>((resolve) => lobby.onMessage("rooms", resolve));
    lobby.onMessage("+", () => {});
    lobby.onMessage("-", () => {});
    await lobby.leave();
    const leaked = listed.filter((room) => room.roomId === battle.roomId || room.metadata?.channel?.startsWith("battle-")).length;
    let refused = 0;
    let admitted = 0;
    const attempts = await loopFor(ctx, ctx.short ? 1000 : 20_000, ctx.short ? 10 : 2000, async (i) => {
      const options = i % 2 === 0 ? { channel: battleChannel(battle.roomId) } : { channel: battleChannel(battle.roomId), ticket: `guess-${i}` };
      try {
        await (await attacker.joinOrCreate(RoomName.chat, options)).leave();
        admitted++;
      } catch (error) {
        if ((error as { code?: number }).code === JOIN_NOT_A_MEMBER) refused++;
        else throw error;
      }
    });
    chat.send(ClientMessage.chat, { text: "players only" });
    await waitFor(() => lines.some((l) => l.text === "players only"), "the host's own line");
    await Promise.all([chat.leave(), battle.leave()]);
    assert.equal(leaked, 0, "the private battle or its channel is listed in the lobby");
    assert.equal(admitted, 0, "the attacker got into the private channel");
    return { attempts, refused, admitted, listedInLobby: leaked };
  },
};

import assert from "node:assert/strict";
import { send } from "../../../client/rooms";
import { ClientMessage, JOIN_NOT_A_MEMBER, JOIN_OTHER_CHANNEL, RoomName, ServerMessage } from "../../../server/shared/protocol";
import { record } from "../../helpers/chat";
import { hearAll, nextMessage, sdkOf } from "../../helpers/rooms";
import { clientFrom, joinChat, loopFor, spreadAddress, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";

/** Options a former player tries with the private battle's chat room id: every channel but its own, its revoked ticket. */
const OTHER_OPTIONS = (channel: string, ticket: string) => [
  { channel: "general" },
  { channel: "general", ticket },
  { channel: "battle-elsewhere", ticket },
  { channel, ticket },
];

/** A revoked former player of a private battle joins the battle's chat room by its id, naming another channel. */
export const scenario: AbuseScenario = {
  name: "battle-chat-by-id",
  attack: "joinById into a private battle's chat room naming another channel, by a revoked former player",
  async run(ctx) {
    const host = clientFrom(ctx, "10.12.0.1");
    const battle = hearAll(await sdkOf(host).create(RoomName.battle, { name: "Host", private: true }));
    const askTicket = (room: typeof battle) => {
      const answer = nextMessage(room, ServerMessage.battleChat);
      send(room, ClientMessage.chatTicket);
      return answer;
    };
    const ticket = await askTicket(battle);
    const chat = await joinChat(host, { channel: ticket.channel, ticket: ticket.ticket, name: "Host" });
    const lines = record(chat);
    // The former player: played, asked its ticket, left (the ticket is revoked), and kept the chat room's id.
    const former = hearAll(await sdkOf(clientFrom(ctx, "10.12.6.6")).joinById(RoomName.battle, battle.roomId, { name: "Former" }));
    const formerTicket = await askTicket(former);
    await former.leave();

    let refused = 0;
    let admitted = 0;
    const options = OTHER_OPTIONS(ticket.channel, formerTicket.ticket);
    const attempts = await loopFor(ctx, ctx.short ? 1000 : 20_000, ctx.short ? 8 : 2000, async (i) => {
      try {
        await (await sdkOf(clientFrom(ctx, spreadAddress(12, i))).joinById(RoomName.chat, chat.roomId, options[i % options.length])).leave();
        admitted++;
      } catch (error) {
        const code = (error as { code?: number }).code;
        if (code === JOIN_OTHER_CHANNEL || code === JOIN_NOT_A_MEMBER) refused++;
        else throw error;
      }
    });
    send(chat, ClientMessage.chat, { text: "players only" });
    await waitFor(() => lines.some((l) => l.text === "players only"), "the host's own line");
    const members = chat.state.members.size;
    await Promise.all([chat.leave(), battle.leave()]);
    assert.equal(admitted, 0, "the former player got into the private battle's chat");
    assert.equal(members, 1, "someone else is a member of the private battle's chat");
    return { attempts, refused, admitted };
  },
};

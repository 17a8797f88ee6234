import assert from "node:assert/strict";
import { onMessage, send, type GameRoom } from "../../../client/rooms";
import type { ChatState } from "../../../server/rooms/schema/ChatState";
import { ClientMessage, REPORTS_PER_PLAYER, ServerMessage } from "../../../server/shared/protocol";
import { record } from "../../helpers/chat";
import { clientFrom, joinChat, loopFor, spreadAddress, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";

/** `report` of `lineId` from `room`; resolves with "reported" or the refusal's code. */
function report(room: GameRoom<"chat", ChatState>, lineId: number): Promise<string> {
  return new Promise((resolve) => {
    const offReported = onMessage(room, ServerMessage.reported, () => done("reported"));
    const offError = onMessage(room, ServerMessage.error, (error) => done(error.code));
    const done = (answer: string) => {
      offReported();
      offError();
      resolve(answer);
    };
    send(room, ClientMessage.report, { lineId });
  });
}

/**
 * A botnet mass-reports an honest player's line to get them banned: each bot joins again and again
 * (a guest's id is new at every join, so "once per reporter" does not hold it) and reports. Each
 * address gets REPORTS_PER_PLAYER's burst, the queue stays bounded, and an honest report still goes in.
 */
export const scenario: AbuseScenario = {
  name: "report-flood",
  attack: "bots rejoin and report one honest line again and again, each from its own address",
  async run(ctx) {
    const channel = `rf-${Date.now().toString(36)}`;
    const honest = await joinChat(clientFrom(ctx, "10.20.0.1"), { channel, name: "Honest" });
    const heard = record(honest);
    send(honest, ClientMessage.chat, { text: "good game everyone" });
    await waitFor(() => heard.some((l) => l.text === "good game everyone"), "the honest line");
    const target = heard.find((l) => l.text === "good game everyone")!.id;
    const answers: Record<string, number> = {};
    const acceptedPerBot: number[] = [];
    const tries = REPORTS_PER_PLAYER.burst + 3;
    const bots = await loopFor(ctx, ctx.short ? 2500 : 20_000, ctx.short ? 6 : 60, async (i) => {
      const client = clientFrom(ctx, spreadAddress(20, i));
      let accepted = 0;
      for (let n = 0; n < tries; n++) {
        const bot = await joinChat(client, { channel, name: "Bot" });
        const answer = await report(bot, target);
        answers[answer] = (answers[answer] ?? 0) + 1;
        if (answer === "reported") accepted++;
        await bot.leave();
      }
      acceptedPerBot.push(accepted);
    });
    // An honest player's report, and their line, still go through.
    const bystander = await joinChat(clientFrom(ctx, "10.20.0.2"), { channel, name: "Bystander" });
    const bystanderHeard = record(bystander);
    const botLine = await joinChat(clientFrom(ctx, "10.20.0.3"), { channel, name: "Rude" });
    send(botLine, ClientMessage.chat, { text: "rude words" });
    await waitFor(() => bystanderHeard.some((l) => l.text === "rude words"), "the rude line");
    const honestReport = await report(bystander, bystanderHeard.find((l) => l.text === "rude words")!.id);
    send(honest, ClientMessage.chat, { text: "still here" });
    await waitFor(() => bystanderHeard.some((l) => l.text === "still here"), "the honest line after the flood");
    await Promise.all([honest.leave(), bystander.leave(), botLine.leave()]);
    assert.ok(acceptedPerBot.every((n) => n <= REPORTS_PER_PLAYER.burst), `an address got more than ${REPORTS_PER_PLAYER.burst} reports in: ${acceptedPerBot.join(",")}`);
    assert.equal(honestReport, "reported", "the honest report");
    return { bots, reportsSent: bots * tries, accepted: answers.reported ?? 0, rateLimited: answers.rate_limited ?? 0, honestReport };
  },
};

import assert from "node:assert/strict";
import { ClientMessage, RATE_LIMITS } from "../../../server/shared/protocol";
import { record } from "../../helpers/chat";
import { clientFrom, joinChat, loopFor, waitFor, spreadAddress } from "../chat";
import type { AbuseScenario } from "../scenario";
import { send } from "../../../client/rooms";

/**
 * Open channel after channel with a burst of lines each, to fill the history store
 * and evict a live channel (whose ids then restarted at 1: browsers dropped its new lines as seen).
 */
export const scenario: AbuseScenario = {
  name: "history-flood",
  attack: "fresh channels with a burst of lines each, to evict a live channel's history",
  async run(ctx) {
    const channel = `hf-live-${Date.now().toString(36)}`;
    const honest = await joinChat(clientFrom(ctx, "10.3.0.1"), { channel, name: "Honest" });
    const lines = record(honest);
    send(honest, ClientMessage.chat, { text: "before" });
    await waitFor(() => lines.some((l) => l.text === "before"), "the line before");
    const before = lines.find((l) => l.text === "before")!.id;
    const tag = Date.now().toString(36);
    const channels = await loopFor(ctx, ctx.short ? 2500 : 20_000, ctx.short ? 60 : 5000, async (i) => {
      const room = await joinChat(clientFrom(ctx, spreadAddress(3, i)), { channel: `hf-${tag}-${i}`, name: "Filler" });
      for (let n = 0; n < RATE_LIMITS.chat.burst; n++) send(room, ClientMessage.chat, { text: `${n} ${"x".repeat(400)}` });
      await room.leave();
    });
    // A browser (client/chat.ts) drops any line whose id is not above the last it showed.
    const fresh = await joinChat(clientFrom(ctx, "10.3.0.2"), { channel, name: "Fresh" });
    const freshLines = record(fresh);
    send(fresh, ClientMessage.chat, { text: "after" });
    await waitFor(() => freshLines.some((l) => l.text === "after"), "the line after");
    const after = freshLines.find((l) => l.text === "after")!.id;
    await Promise.all([fresh.leave(), honest.leave()]);
    assert.ok(after > before, `line id ${after} after the flood is not above ${before}`);
    return { channelsOpened: channels, linesSent: channels * RATE_LIMITS.chat.burst, idBefore: before, idAfter: after };
  },
};

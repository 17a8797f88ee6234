import assert from "node:assert/strict";
import { CHAT_HISTORY_REPLY_MAX_BYTES, ClientMessage, RATE_LIMITS, RoomName, ServerMessage } from "../../../server/shared/protocol";
import { record } from "../../helpers/chat";
import { clientFrom, joinChat, loopFor, spreadAddress, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";
import { nextMessage, sdkOf } from "../../helpers/rooms";
import { send } from "../../../client/rooms";

/** Fill a channel with long lines, then ask for all of it with `since: 0`, again and again. */
export const scenario: AbuseScenario = {
  name: "since-zero",
  attack: "long lines, then `since: 0` joins for the whole history",
  async run(ctx) {
    const channel = `s0-${Date.now().toString(36)}`;
    const honest = await joinChat(clientFrom(ctx, "10.2.0.1"), { channel, name: "Honest" });
    const lines = record(honest);
    // Writers from many addresses, each spending one burst of long lines.
    const writers = ctx.short ? 6 : 20;
    for (let w = 0; w < writers; w++) {
      const writer = await joinChat(clientFrom(ctx, `10.2.6.${w + 1}`), { channel, name: `w${w}` });
      for (let i = 0; i < RATE_LIMITS.chat.burst; i++) send(writer, ClientMessage.chat, { text: `${w}.${i} ${"\u4e16".repeat(480)}` });
      await writer.leave();
    }
    send(honest, ClientMessage.chat, { text: "newest" });
    await waitFor(() => lines.some((l) => l.text === "newest"), "the newest line");
    let largest = 0;
    let requestBytes = 0;
    const replies = await loopFor(ctx, ctx.short ? 1500 : 20_000, ctx.short ? 10 : 2000, async (i) => {
      const options = { channel, since: 0 };
      requestBytes = Buffer.byteLength(JSON.stringify(options));
      const room = await sdkOf(clientFrom(ctx, spreadAddress(2, i))).joinOrCreate(RoomName.chat, options);
      const history = await nextMessage(room, ServerMessage.history);
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(history)));
      // The readers' own join and leave lines come after it; the newest said line is the honest one.
      assert.equal(history.lines.filter((line) => line.kind === "user").at(-1)?.text, "newest", "the newest lines are the ones sent");
      await room.leave();
    });
    await honest.leave();
    assert.ok(largest <= CHAT_HISTORY_REPLY_MAX_BYTES + 64, `a since:0 reply of ${largest} bytes`);
    return { replies, requestBytes, largestReplyBytes: largest, replyCapBytes: CHAT_HISTORY_REPLY_MAX_BYTES };
  },
};

import assert from "node:assert/strict";
import { CHAT_PRESENCE_LINES_PER_CHANNEL, ClientMessage, RoomName, ServerMessage } from "../../../server/shared/protocol";
import { hearAll, nextMessage, sdkOf } from "../../helpers/rooms";
import { record } from "../../helpers/chat";
import { clientFrom, joinChat, loopFor, waitFor, spreadAddress } from "../chat";
import type { AbuseScenario } from "../scenario";
import { send } from "../../../client/rooms";

/** Joins with chosen names plus leaves, to flood a channel with join/leave lines and push what members said out of history. */
export const scenario: AbuseScenario = {
  name: "join-leave-flood",
  attack: "join/leave loop with chosen names into one channel",
  async run(ctx) {
    const channel = `jlf-${Date.now().toString(36)}`;
    const honest = await joinChat(clientFrom(ctx, "10.1.0.1"), { channel, name: "Honest" });
    const lines = record(honest);
    const said = ["first", "second", "third"];
    for (const text of said) send(honest, ClientMessage.chat, { text });
    await waitFor(() => lines.some((l) => l.text === "third"), "the honest lines");
    const started = performance.now();
    const cycles = await loopFor(ctx, ctx.short ? 2000 : 20_000, ctx.short ? 40 : 5000, async (i) => {
      // A botnet: every cycle from another address, so only the per-channel throttle stands in the way.
      const attacker = clientFrom(ctx, spreadAddress(1, i));
      await (await joinChat(attacker, { channel, name: `discord.gg/x${i}` })).leave();
    });
    const seconds = (performance.now() - started) / 1000;
    send(honest, ClientMessage.chat, { text: "after" });
    await waitFor(() => lines.some((l) => l.text === "after"), "the honest line after the flood");
    const systemLines = lines.filter((l) => l.kind === "system").length;
    const late = hearAll(await sdkOf(clientFrom(ctx, "10.1.0.2")).joinOrCreate(RoomName.chat, { channel, since: 0 }));
    const history = await nextMessage(late, ServerMessage.history);
    await late.leave();
    await honest.leave();
    const kept = history.lines.filter((l) => l.kind === "user").map((l) => l.text);
    assert.deepEqual(kept, [...said, "after"], "what members said is all in history");
    const allowed = CHAT_PRESENCE_LINES_PER_CHANNEL.burst + CHAT_PRESENCE_LINES_PER_CHANNEL.perSecond * seconds + 1;
    assert.ok(systemLines <= allowed, `${systemLines} join/leave lines in ${seconds.toFixed(1)} s`);
    return { cycles, systemLinesPosted: systemLines, userLinesKept: kept.length, seconds: Number(seconds.toFixed(1)) };
  },
};

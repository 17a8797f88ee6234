import assert from "node:assert/strict";
import { send } from "../../../client/rooms";
import { ClientMessage, JoinRefusal, RefusalCode, RoomName, ServerMessage } from "../../../server/shared/protocol";
import { record } from "../../helpers/chat";
import { collect, hearAll, sdkOf } from "../../helpers/rooms";
import { clientFrom, joinChat, loopFor, spreadAddress, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";

/** `n` emoji joined by ZWJ: one grapheme cluster that draws as `n` emoji and never wraps. */
const chain = (n: number) => Array(n).fill("\u{1F600}").join("\u200D");

/** Names and chat lines of one "character" that is 81 to 271 emoji long. */
export const scenario: AbuseScenario = {
  name: "grapheme-chains",
  attack: "names and chat lines of 81-271 emoji joined by ZWJ (one cluster each)",
  async run(ctx) {
    const channel = `gc-${Date.now().toString(36)}`;
    const honest = await joinChat(clientFrom(ctx, "10.14.0.1"), { channel, name: "Honest" });
    const lines = record(honest);
    const battle = hearAll(await sdkOf(clientFrom(ctx, "10.14.0.2")).create(RoomName.battle, { name: "Host" }));
    let namesRefused = 0;
    let namesAccepted = 0;
    const tries = await loopFor(ctx, ctx.short ? 1000 : 20_000, ctx.short ? 6 : 2000, async (i) => {
      try {
        const name = chain(81 + (i % 3) * 7);
        await (await sdkOf(clientFrom(ctx, spreadAddress(14, i))).joinById(RoomName.battle, battle.roomId, { name })).leave();
        namesAccepted++;
      } catch (error) {
        if ((error as { code?: number }).code === JoinRefusal.nameTooLong) namesRefused++;
        else throw error;
      }
    });
    // A seated attacker says lines of chains, within the chat rate limit.
    const attacker = await joinChat(clientFrom(ctx, "10.14.6.6"), { channel, name: "Chains" });
    const refusals = collect(attacker, ServerMessage.error);
    const said = ctx.short ? 3 : 10;
    for (let i = 0; i < said; i++) send(attacker, ClientMessage.chat, { text: `look ${chain(81 + i * 19)}` });
    const fromAttacker = () => lines.filter((l) => l.kind === "user" && l.text.startsWith("look")).length;
    await waitFor(() => refusals.length + fromAttacker() >= said, "the chain lines refused or relayed");
    send(honest, ClientMessage.chat, { text: "plain words" });
    await waitFor(() => lines.some((l) => l.text === "plain words"), "the honest line");
    await Promise.all([attacker.leave(), honest.leave(), battle.leave()]);
    const chainsHeard = lines.filter((l) => l.text.includes("\u200D")).length;
    const counts = `${namesAccepted} of ${tries} names and ${chainsHeard} of ${said} lines of one overlong character accepted`;
    assert.equal(namesAccepted, 0, counts);
    assert.equal(chainsHeard, 0, counts);
    assert.ok(refusals.every((r) => r.code === RefusalCode.textTooLong), JSON.stringify(refusals.slice(0, 2)));
    return { tries, namesRefused, namesAccepted, linesRefused: refusals.length, chainsHeard };
  },
};

import assert from "node:assert/strict";
import { nameKey } from "../../../server/shared/names";
import { JoinRefusal, RoomName } from "../../../server/shared/protocol";
import { hearAll, sdkOf } from "../../helpers/rooms";
import { clientFrom, loopFor, spreadAddress, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";

/** Each once accepted and shown blank, smeared, or exactly like another player's name. */
const INVISIBLE = ["\u200D", "\u200C", "\u206A", "\uFE0F", "\u{1D173}", "\u{1BCA0}", "\u{13430}", "\u200D\u0301\u200D\u0301"];
const LOOK_ALIKES = ["Alice\u200D", "ＡＬＩＣＥ", "A\u00ADlice", "alice\uFE0F"];

/** Blank names, combining marks smeared across ZWJ, and look-alikes of a player's name. */
export const scenario: AbuseScenario = {
  name: "invisible-names",
  attack: "blank, smeared and look-alike names in a battle",
  async run(ctx) {
    const alice = hearAll(await sdkOf(clientFrom(ctx, "10.5.0.1")).create(RoomName.battle, { name: "Alice" }));
    let refused = 0;
    let accepted = 0;
    const tries = await loopFor(ctx, ctx.short ? 1000 : 20_000, ctx.short ? INVISIBLE.length : 2000, async (i) => {
      try {
        await (await sdkOf(clientFrom(ctx, spreadAddress(5, i))).joinById(RoomName.battle, alice.roomId, { name: INVISIBLE[i % INVISIBLE.length] })).leave();
        accepted++;
      } catch (error) {
        if ((error as { code?: number }).code === JoinRefusal.nameInvisible) refused++;
        else throw error;
      }
    });
    const attacker = sdkOf(clientFrom(ctx, "10.5.6.6"));
    const smear = hearAll(await attacker.joinById(RoomName.battle, alice.roomId, { name: "a" + "\u0301\u200D".repeat(40) }));
    const alikes = [];
    for (const name of LOOK_ALIKES) alikes.push(hearAll(await attacker.joinById(RoomName.battle, alice.roomId, { name })));
    const state = () => alice.state;
    await waitFor(() => state()?.players?.size === LOOK_ALIKES.length + 2, "every player in Alice's view");
    const names = [...state().players.values()].map((p) => p.name);
    const smeared = state().players.get(smear.sessionId)!.name;
    await Promise.all([smear, ...alikes, alice].map((room) => room.leave()));
    assert.equal(accepted, 0, "a blank name was accepted");
    assert.equal(new Set(names.map(nameKey)).size, names.length, `look-alike names: ${JSON.stringify(names)}`);
    const marks = smeared.match(/\p{M}/gu)?.length ?? 0;
    assert.ok(marks <= 3, `${marks} combining marks kept on one letter`);
    return { tries, refused, accepted, distinctNames: names.length, marksKeptOnSmear: marks };
  },
};

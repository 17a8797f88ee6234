import assert from "node:assert/strict";
import { CONSOLE_REQUESTS_PER_ADDRESS, JOIN_BANNED } from "../../../server/shared/protocol";
import { adminRequest, adminRequestWhenPaced } from "../admin";
import { clientFrom, joinChat, loopFor, spreadAddress } from "../chat";
import type { AbuseContext, AbuseScenario } from "../scenario";

/** Median time of `n` joins and leaves of a fresh channel from `address`, ms. */
async function joinMs(ctx: AbuseContext, address: string, n = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const room = await joinChat(clientFrom(ctx, address), { channel: `bl-${i}-${Math.floor(start).toString(36)}` });
    times.push(performance.now() - start);
    await room.leave();
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

/**
 * Moderators ban a botnet address by address (and a few prefixes) while players join: a join
 * looks up one key per prefix length in use, so thousands of bans cost an honest join nothing it
 * notices, and every banned address is refused with JOIN_BANNED.
 */
export const scenario: AbuseScenario = {
  name: "ban-list",
  attack: "a script bans a botnet address by address (and prefixes) from the console while players join",
  async run(ctx) {
    const before = await joinMs(ctx, "10.21.0.1");
    const ban = (target: string) =>
      adminRequest(`${ctx.httpUrl}/admin/actions/ban`, { method: "POST", body: new URLSearchParams({ kind: "address", target, seconds: "3600", reason: "botnet" }) });
    const prefixes = ["10.22.0.0/16", "10.22.7.0/24", "2001:db8:22::/48"];
    for (const prefix of prefixes) assert.equal((await ban(prefix)).status, 200, prefix);
    let refused = 0;
    let paced = 0;
    // As a script would: one ban after another, waiting when the console says 429 (CONSOLE_REQUESTS_PER_ADDRESS).
    const bans = await loopFor(ctx, ctx.short ? 3000 : 20_000, ctx.short ? 300 : 2400, async (i) => {
      for (;;) {
        const answer = await ban(spreadAddress(21, i));
        if (answer.status !== 429) return void (refused += answer.status === 200 ? 0 : 1);
        paced++;
        await new Promise((resolve) => setTimeout(resolve, 1000 / CONSOLE_REQUESTS_PER_ADDRESS.perSecond));
      }
    });
    const after = await joinMs(ctx, "10.21.0.1");
    const bannedJoin = await joinChat(clientFrom(ctx, spreadAddress(21, 1)), { channel: "bl-banned" }).catch((error: { code?: number }) => error);
    const prefixJoin = await joinChat(clientFrom(ctx, "10.22.200.9"), { channel: "bl-banned" }).catch((error: { code?: number }) => error);
    const page = await adminRequestWhenPaced(`${ctx.httpUrl}/admin/`, { headers: { accept: "text/html" } });
    assert.equal(refused, 0, "every ban taken (BANS_MAX is far)");
    assert.equal((bannedJoin as { code?: number }).code, JOIN_BANNED, "a banned address is refused");
    assert.equal((prefixJoin as { code?: number }).code, JOIN_BANNED, "an address inside a banned prefix is refused");
    assert.equal(page.status, 200, "the console lists them");
    // The honest join may not slow by more than the machine's own noise.
    assert.ok(after < 3 * before + 100, `an honest join took ${after.toFixed(0)} ms after the bans, ${before.toFixed(0)} ms before`);
    return { bans: bans + prefixes.length, paced, joinMsBefore: Math.round(before), joinMsAfter: Math.round(after), consolePageKb: Math.round(page.text.length / 1024), consolePageMs: Math.round(page.ms) };
  },
};

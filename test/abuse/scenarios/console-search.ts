import assert from "node:assert/strict";
import { send } from "../../../client/rooms";
import { ClientMessage, CONSOLE_REQUESTS_PER_ADDRESS, SEARCH_QUERY_MAX_CHARS } from "../../../server/shared/protocol";
import { say } from "../../helpers/chat";
import { adminRequest, adminRequestWhenPaced } from "../admin";
import { clientFrom, joinChat, loopFor } from "../chat";
import type { AbuseScenario } from "../scenario";

const HOSTILE_LINE = "<script>alert(1)</script><img src=x onerror=alert(2)>";
/** Searches a moderator might paste, or an attacker might get one to open. */
const QUERIES = [
  HOSTILE_LINE,
  '"><svg onload=alert(3)>',
  ".*",
  "(a+)+$",
  "' OR 1=1 --",
  "\u0000\u202e\u200b",
  "%00%0d%0a",
  "x".repeat(SEARCH_QUERY_MAX_CHARS),
  "x".repeat(SEARCH_QUERY_MAX_CHARS + 1),
  "y".repeat(6000),
];
const RAW_MARKUP = /<script>alert|<img src=x|<svg onload/;

/**
 * Console searches with hostile strings (markup, catastrophic regex, control characters, too long)
 * while a player whose lines are markup chats: every answer is a page or a refusal within the
 * allowance, with nothing of the player's or the search's markup unescaped.
 */
export const scenario: AbuseScenario = {
  name: "console-search",
  attack: "console searches with markup, regex, control characters and 6 KB, and a player whose lines are markup",
  async run(ctx) {
    const eve = await joinChat(clientFrom(ctx, "10.23.0.1"), { channel: `cs-${Date.now().toString(36)}`, name: "Eve" });
    const line = await say(eve, HOSTILE_LINE);
    const statuses: Record<string, number> = {};
    let slowestMs = 0;
    let unescaped = 0;
    const searches = await loopFor(ctx, ctx.short ? 1500 : 20_000, ctx.short ? 40 : 4000, async (i) => {
      const query = QUERIES[i % QUERIES.length]!;
      const answer = await adminRequest(`${ctx.httpUrl}/admin/?q=${encodeURIComponent(query)}`, { headers: { accept: "text/html" } });
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      slowestMs = Math.max(slowestMs, answer.ms);
      if (RAW_MARKUP.test(answer.text)) unescaped++;
      // A script driving the console waits when told to (CONSOLE_REQUESTS_PER_ADDRESS).
      if (answer.status === 429) await new Promise((resolve) => setTimeout(resolve, 1000 / CONSOLE_REQUESTS_PER_ADDRESS.perSecond));
      if (answer.status < 300) assert.match(answer.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    });
    const page = await adminRequestWhenPaced(`${ctx.httpUrl}/admin/players/${encodeURIComponent(line.playerId)}`, { headers: { accept: "text/html" } });
    send(eve, ClientMessage.chat, { text: "bye" });
    await eve.leave();
    assert.equal(unescaped, 0, "no markup unescaped");
    assert.ok(page.text.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), "the player's line, escaped");
    assert.doesNotMatch(page.text, RAW_MARKUP);
    // 429: past CONSOLE_REQUESTS_PER_ADDRESS, the search flood itself is refused.
    const allowed = new Set(["200", "400", "414", "429", "431"]);
    assert.deepEqual(Object.keys(statuses).filter((status) => !allowed.has(status)), [], JSON.stringify(statuses));
    assert.ok((statuses["400"] ?? 0) > 0, "the over-long searches are refused");
    return { searches, ok: statuses["200"] ?? 0, tooLong: statuses["400"] ?? 0, paced: statuses["429"] ?? 0, slowestMs: Math.round(slowestMs) };
  },
};

import assert from "node:assert/strict";
import { onMessage, send } from "../../../client/rooms";
import { ClientMessage, RATE_LIMITS, RoomName, ServerMessage, type ChatHistoryPayload, type ChatLine } from "../../../server/shared/protocol";
import { record } from "../../helpers/chat";
import { collect, hearAll, sdkOf } from "../../helpers/rooms";
import { clientFrom, joinChat, spreadAddress, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";

/** Talkers, each saying its burst while the member is away: 15 x 10 = 150 lines, past one `history` reply. */
const TALKERS = 15;

/**
 * A member away while a crowd says more than one `history` reply holds, coming back with `resume`
 * as docs/protocol.md says; meanwhile another member asks for history pages nobody offered it.
 */
export const scenario: AbuseScenario = {
  name: "silent-gap",
  attack: "150 lines said while a member is away (past one history reply), and unasked historyMore",
  async run(ctx) {
    const channel = `sg-${Date.now().toString(36)}`;
    const member = clientFrom(ctx, "10.15.0.1");
    let away = await joinChat(member, { channel, name: "Away" });
    const before = record(away);
    const watcher = await joinChat(clientFrom(ctx, "10.15.0.2"), { channel, name: "Watcher" });
    const heard = record(watcher);
    send(watcher, ClientMessage.chat, { text: "before" });
    await waitFor(() => before.some((l) => l.text === "before"), "the line before the drop");
    away.connection.close();
    const talkers = ctx.short ? 11 : TALKERS;
    const rooms = await Promise.all(Array.from({ length: talkers }, (_, i) => joinChat(clientFrom(ctx, spreadAddress(15, i)), { channel, name: `T${i}` })));
    for (const [i, room] of rooms.entries()) for (let n = 0; n < RATE_LIMITS.chat.burst; n++) send(room, ClientMessage.chat, { text: `t${i}-${n}` });
    const said = talkers * RATE_LIMITS.chat.burst;
    await waitFor(() => heard.filter((l) => l.text.startsWith("t")).length >= said, "every line said");
    // Unasked pages: refused, and no history bought with them.
    const asker = collect(watcher, ServerMessage.error);
    for (let i = 0; i < 20; i++) send(watcher, ClientMessage.historyMore);
    await waitFor(() => asker.length > 0, "the unasked page refused");

    away = hearAll(await sdkOf(member).reconnect(RoomName.chat, away.reconnectionToken));
    const pages: ChatHistoryPayload[] = [];
    const got: ChatLine[] = [];
    onMessage(away, ServerMessage.history, (history) => {
      pages.push(history);
      got.push(...history.lines);
      if (history.more) send(away, ClientMessage.historyMore);
    });
    onMessage(away, ServerMessage.chat, (line) => got.push(line));
    send(away, ClientMessage.resume, { since: before.at(-1)!.id });
    send(watcher, ClientMessage.chat, { text: "after" });
    await waitFor(() => got.some((l) => l.text === "after"), "the line after the return");
    await Promise.all([away, watcher, ...rooms].map((room) => room.leave()));
    const expected = heard.filter((l) => l.kind === "user" && l.id > before.at(-1)!.id).map((l) => l.id);
    const ids = got.filter((l) => l.kind === "user").map((l) => l.id);
    const gaps = pages.filter((p) => p.gap).map((p) => p.gap!);
    const missing = expected.filter((id) => !ids.includes(id));
    const named = missing.filter((id) => gaps.some((g) => id >= g.from && id <= g.to));
    assert.equal(new Set(ids).size, ids.length, "a line came twice");
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "out of order");
    assert.equal(missing.length, named.length, `${missing.length - named.length} of ${expected.length} lines missing with no sign of the gap`);
    return { linesMissed: expected.length, got: ids.length, pages: pages.length, gapsNamed: named.length, unaskedPagesRefused: asker.length };
  },
};

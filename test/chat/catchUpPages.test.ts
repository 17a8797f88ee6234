/**
 * A catch-up longer than one `history` reply: pages oldest first with `more`, the next on
 * `historyMore`, every line once and in order; what the history no longer keeps is a `gap`.
 */
import assert from "node:assert/strict";
import type { Client } from "colyseus.js";
import { nextPage } from "../../server/chat/catchUpPages";
import { CHAT_HISTORY_REPLY_MAX_LINES, ClientMessage, RoomName, ServerMessage, type ChatHistoryPayload, type ChatLine } from "../../server/shared/protocol";
import { clientVia } from "../helpers/addresses";
import { reconnect, record } from "../helpers/chat";
import { hearAll, sdkOf } from "../helpers/rooms";
import { liftRateLimits, UNLIMITED_WIRE, useServer, type TestServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { onMessage, send, type GameRoom } from "../../client/rooms";
import type { ChatState } from "../../server/rooms/schema/ChatState";

type Chat = GameRoom<"chat", ChatState>;
const line = (id: number): ChatLine => ({ id, kind: "user", name: "A", sessionId: "s", playerId: "p", text: `t${id}`, time: 0 });
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));
const BOUNDS = { maxLines: 100, maxBytes: 1 << 20 };

describe("chat catch-up pages (pure)", () => {
  it("gives the oldest page first with more, then the rest without", () => {
    const first = nextPage(lines(11, 260), 10, false, BOUNDS);
    assert.deepEqual([first.lines[0].id, first.lines.at(-1)!.id, first.more, first.gap], [11, 110, true, undefined]);
    const last = nextPage(lines(111, 260), 110, false, BOUNDS);
    assert.deepEqual([last.lines.length, last.more], [100, true]);
    assert.deepEqual(nextPage(lines(211, 260), 210, false, BOUNDS).more, false);
  });

  it("names the lines the history no longer keeps, and what a last page skips, as gaps", () => {
    assert.deepEqual(nextPage(lines(60, 90), 10, false, BOUNDS).gap, { from: 11, to: 59 });
    const skipped = nextPage(lines(11, 400), 10, true, BOUNDS);
    assert.deepEqual([skipped.lines[0].id, skipped.lines.at(-1)!.id, skipped.more, skipped.gap], [301, 400, false, { from: 11, to: 300 }]);
    assert.equal(nextPage(lines(5, 9), 0, false, BOUNDS).gap, undefined, "nothing seen yet: nothing missed");
  });
});

/** Drops `member`'s socket, lets `count` lines be said, and brings it back; returns every history reply and line it got after. */
async function awayWhileTalking(server: TestServer, channel: string, count: number, withResume: boolean) {
  const from = (address: string): Client => clientVia(server.port, address);
  const talker: Chat = hearAll(await sdkOf(from("10.0.9.1")).joinOrCreate(RoomName.chat, { channel, name: "Talker" }));
  liftRateLimits(server, talker.roomId);
  const said = record(talker);
  const member = from("10.0.9.2");
  let room: Chat = hearAll(await sdkOf(member).joinOrCreate(RoomName.chat, { channel, name: "Member" }));
  send(talker, ClientMessage.chat, { text: "before" });
  const before = record(room);
  await eventually(() => before.some((l) => l.text === "before"), "the line before the drop");
  const serverRoom = server.getRoomById(talker.roomId);
  room.connection.close();
  await eventually(() => serverRoom.clients.length === 1, "the server to notice the drop");
  for (let i = 1; i <= count; i++) send(talker, ClientMessage.chat, { text: `m${i}` });
  await eventually(() => said.some((l) => l.text === `m${count}`), "every line said", 10_000);
  room = hearAll(await reconnect(member, room));
  const replies: ChatHistoryPayload[] = [];
  const got: ChatLine[] = [];
  onMessage(room, ServerMessage.history, (history) => {
    replies.push(history);
    got.push(...history.lines);
    if (history.more) send(room, ClientMessage.historyMore);
  });
  onMessage(room, ServerMessage.chat, (l) => got.push(l));
  if (withResume) send(room, ClientMessage.resume, { since: before.at(-1)!.id });
  send(talker, ClientMessage.chat, { text: "after" });
  await eventually(() => got.some((l) => l.text === "after"), "the line after the return", 10_000);
  return { replies, got: got.filter((l) => l.kind === "user").map((l) => l.text) };
}

describe("chat catch-up pages (a room)", function () {
  this.timeout(30_000);
  // A history that keeps all the lines missed, so only paging stands between them and the member.
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1", CHAT_HISTORY_LINES: "500" }, { tune: (settings) => ({ ...settings, limits: { ...settings.limits, wire: UNLIMITED_WIRE } }) });
  const COUNT = 2 * CHAT_HISTORY_REPLY_MAX_LINES + 43;

  for (const withResume of [true, false]) {
    it(`brings back ${COUNT} lines missed, in pages oldest first, once and in order, no gap (${withResume ? "with" : "without"} resume)`, async () => {
      const { replies, got } = await awayWhileTalking(server, withResume ? "pages-resume" : "pages-fallback", COUNT, withResume);
      assert.deepEqual(got, [...Array.from({ length: COUNT }, (_, i) => `m${i + 1}`), "after"]);
      assert.deepEqual(replies.map((r) => r.more ?? false), [true, true, false]);
      assert.ok(replies.every((r) => r.gap === undefined), JSON.stringify(replies.map((r) => r.gap)));
    });
  }
});

describe("chat catch-up past what history keeps (a room)", function () {
  this.timeout(30_000);
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1", CHAT_HISTORY_LINES: "50" }, { tune: (settings) => ({ ...settings, limits: { ...settings.limits, wire: UNLIMITED_WIRE } }) });

  it("names the lines no longer kept as a gap, and gives every kept one once and in order", async () => {
    const { replies, got } = await awayWhileTalking(server, "pages-gap", 80, true);
    assert.deepEqual(got, [...Array.from({ length: 50 }, (_, i) => `m${i + 31}`), "after"]);
    const gap = replies[0].gap!;
    assert.ok(gap, "a gap");
    assert.equal(gap.to - gap.from + 1, 30, JSON.stringify(gap));
  });
});

/**
 * Chat attacks against a real server (join/leave floods, mutes dodged by rejoining, bursts refilled
 * by rejoining, oversized history replies, reconnection replays), each checked on both halves: the
 * attacker is stopped and an honest member of the same channel is unaffected. Guests from different
 * addresses are told apart by X-Forwarded-For, believed from the trusted proxy 127.0.0.1.
 */
import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import type { Client } from "colyseus.js";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import {
  CHAT_HISTORY_KEEP,
  CHAT_HISTORY_REPLY_MAX_BYTES,
  CHAT_PRESENCE_LINES_PER_IDENTITY,
  CHAT_RESUME_WAIT_MS,
  ClientMessage,
  RATE_LIMITS,
  RefusalCode,
  RoomName,
  ServerMessage,
  type ChatLine,
} from "../../server/shared/protocol";
import { clientVia } from "../helpers/addresses";
import { chatter, nextLine, reconnect, record, say, seen } from "../helpers/chat";
import { collect, hearAll, nextError, nextMessage, sdkOf } from "../helpers/rooms";
import { liftRateLimits, UNLIMITED_WIRE, useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { send, onMessage, type GameRoom } from "../../client/rooms";

type Chat = GameRoom<"chat", ChatState>;

describe("chat under attack", () => {
  // Some tests here fill a history fast (liftRateLimits): the wire budget, whose own floods are
  // test/security/wire.test.ts's, lets them.
  // Some tests here fill a history fast (liftRateLimits): the wire budget, whose own floods are
  // test/security/wire.test.ts's, lets them.
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1" }, { tune: (settings) => ({ ...settings, limits: { ...settings.limits, wire: UNLIMITED_WIRE } }) });

  /** A colyseus.js client that matchmakes from `address`, like a browser on another network. */
  const from = (address: string): Client => clientVia(server.port, address);

  async function join(client: Client, channel: string, name: string): Promise<Chat> {
    return hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, { channel, name }));
  }

  it("a join/leave flood posts a few lines, and pushes none of what members said out of history", async () => {
    const honest = await join(from("10.0.0.1"), "flood", "Honest");
    const said = ["one", "two", "three"];
    for (const text of said) await say(honest, text);
    const heard = collect(honest, ServerMessage.chat);
    const attacker = from("10.6.6.6");
    const cycles = 60;
    for (let i = 0; i < cycles; i++) await (await join(attacker, "flood", `spam${i}`)).leave();
    await say(honest, "still here");

    const system = heard.filter((l) => l.kind === "system");
    assert.ok(system.length <= CHAT_PRESENCE_LINES_PER_IDENTITY.burst + 1, `${system.length} join/leave lines for ${cycles} cycles`);
    const newcomer = hearAll(await sdkOf(from("10.0.0.2")).joinOrCreate(RoomName.chat, { channel: "flood", name: "Late", since: 0 }));
    const history = await nextMessage(newcomer, ServerMessage.history);
    assert.deepEqual(history.lines.filter((l) => l.kind === "user").map((l) => l.text), [...said, "still here"]);
  });

  it("posts no join or leave line for a muted guest, also after it rejoins with a fresh guest id", async () => {
    const honest = await join(from("10.0.1.1"), "muted", "Honest");
    const heard = collect(honest, ServerMessage.chat);
    const spammer = from("10.6.6.7");
    const first = await join(spammer, "muted", "discord.gg/x");
    await eventually(() => heard.some((l) => l.text === "discord.gg/x joined"), "the first join line");
    assert.deepEqual(await matchMaker.remoteRoomCall(honest.roomId, "mute", [first.sessionId, 60]), { ok: true });
    await first.leave();
    const again = await join(spammer, "muted", "discord.gg/x");
    send(again, ClientMessage.chat, { text: "buy now" });
    assert.equal((await nextError(again)).code, RefusalCode.muted);
    await again.leave();
    await say(honest, "quiet now");
    assert.deepEqual(heard.filter((l) => l.text.startsWith("discord")).map((l) => l.text), ["discord.gg/x joined"]);
  });

  it("a mute outlives its room and holds in every channel (kept in presence), and others still speak", async () => {
    const honest = await join(from("10.0.6.1"), "mute-a", "Honest");
    const spammer = from("10.6.6.9");
    const first = await join(spammer, "mute-a", "Spammer");
    assert.deepEqual(await matchMaker.remoteRoomCall(first.roomId, "mute", [first.sessionId, 60]), { ok: true });
    const roomId = first.roomId;
    await first.leave();
    await honest.leave();
    await eventually(() => !matchMaker.getLocalRoomById(roomId), "the muting room disposed");
    for (const channel of ["mute-a", "mute-b"]) {
      const again = await join(spammer, channel, "Spammer");
      send(again, ClientMessage.chat, { text: "still spamming" });
      assert.equal((await nextError(again)).code, RefusalCode.muted, channel);
      const other = await join(from("10.0.6.2"), channel, "Other");
      assert.equal((await say(other, "hello")).text, "hello");
    }
  });

  it("a rejoin does not refill a fresh chat burst, and another member's burst is its own", async () => {
    const honest = await join(from("10.0.2.1"), "burst", "Honest");
    const flooder = from("10.6.6.8");
    let room = await join(flooder, "burst", "Flooder");
    for (let i = 1; i <= RATE_LIMITS.chat.burst; i++) send(room, ClientMessage.chat, { text: `x${i}` });
    await nextLine(room, (l) => l.text === `x${RATE_LIMITS.chat.burst}`);
    await room.leave();
    room = await join(flooder, "burst", "Flooder");
    // A fresh join would have a whole burst; this one has what refilled since (1 per second).
    for (let i = 0; i < RATE_LIMITS.chat.burst / 2; i++) send(room, ClientMessage.chat, { text: `more ${i}` });
    assert.equal((await nextError(room)).code, RefusalCode.rateLimited);

    for (let i = 1; i < RATE_LIMITS.chat.burst; i++) send(honest, ClientMessage.chat, { text: `h${i}` });
    const errors = collect(honest, ServerMessage.error);
    await say(honest, `h${RATE_LIMITS.chat.burst}`);
    assert.equal(errors.length, 0);
  });

  it("caps a `since: 0` reply in bytes however long the kept lines are", async () => {
    const writer = await join(from("10.0.3.1"), "big", "Writer");
    liftRateLimits(server, writer.roomId);
    for (let i = 1; i < CHAT_HISTORY_KEEP; i++) send(writer, ClientMessage.chat, { text: `${i} ${"\u4e16".repeat(490)}` });
    await say(writer, "last");
    const reader = hearAll(await sdkOf(from("10.0.3.2")).joinOrCreate(RoomName.chat, { channel: "big", since: 0 }));
    const history = await nextMessage(reader, ServerMessage.history);
    // JSON is at least as long as the msgpack on the wire.
    const bytes = Buffer.byteLength(JSON.stringify(history));
    assert.ok(bytes <= CHAT_HISTORY_REPLY_MAX_BYTES + 64, `${bytes} bytes`);
    assert.equal(history.lines.at(-1)!.text, "last", "the newest lines are the ones sent");
    assert.equal(history.more, undefined, "a join's `since` gets one reply");
    assert.ok(history.lines.length >= 10, `${history.lines.length} lines`);
  });

  it("an earlier reconnection's fallback neither repeats lines nor gets a later genuine resume refused", async function () {
    this.timeout(20_000);
    const talker = await join(from("10.0.5.1"), "stale", "Talker");
    const member = from("10.0.5.2");
    let room: Chat = hearAll(await sdkOf(member).joinOrCreate(RoomName.chat, { channel: "stale", name: "Member" }));
    const lines: ChatLine[] = [];
    const keep = (r: Chat) => {
      onMessage(r, ServerMessage.history, (h) => lines.push(...h.lines));
      onMessage(r, ServerMessage.chat, (l) => lines.push(l));
    };
    keep(room);
    const serverRoom = server.getRoomById(talker.roomId);
    const dropAndReturn = async () => {
      room.connection.close();
      await eventually(() => serverRoom.clients.length === 1, "the server to notice the drop");
      room = hearAll(await reconnect(member, room));
      keep(room);
    };
    await say(talker, "before");
    await eventually(() => lines.some((l) => l.text === "before"), "the first line");
    await dropAndReturn();
    const firstReturn = performance.now();
    send(room, ClientMessage.resume, { since: lines.at(-1)!.id });
    await say(talker, "between", room);
    // The second return comes well after the first, so the old fallback falls due before the new one.
    await eventually(() => performance.now() > firstReturn + 1000, "a second between the returns");
    await dropAndReturn();
    await say(talker, "while back");
    // The first reconnection's fallback was due CHAT_RESUME_WAIT_MS after it: let that moment pass
    // (a server timer, no event to wait on), then resume as a slow client would.
    await eventually(() => performance.now() > firstReturn + CHAT_RESUME_WAIT_MS + 200, "the old fallback's time");
    const errors = collect(room, ServerMessage.error);
    send(room, ClientMessage.resume, { since: lines.at(-1)!.id });
    await say(talker, "after", room);
    await eventually(() => lines.some((l) => l.text === "after"), "the last line");
    assert.deepEqual(errors, [], "the genuine resume was accepted");
    const texts = lines.filter((l) => l.kind === "user").map((l) => l.text);
    assert.deepEqual(texts, ["before", "between", "while back", "after"]);
  });

  for (const withResume of [true, false]) {
    it(`drops a member again and again while others talk: every line once and in order (${withResume ? "with" : "without"} resume)`, async function () {
      this.timeout(40_000);
      const channel = withResume ? "again-resume" : "again-fallback";
      const talker = await join(from("10.0.4.1"), channel, "Talker");
      const member = from("10.0.4.2");
      let room = hearAll(await sdkOf(member).joinOrCreate(RoomName.chat, { channel, name: "Member" }));
      const lines: ChatLine[] = [];
      const keep = (r: Chat) => {
        const got = record(r);
        // `record` fills its own array; mirror it into the one list across connections.
        onMessage(r, ServerMessage.history, () => queueMicrotask(() => lines.push(...got.splice(0))));
        onMessage(r, ServerMessage.chat, () => queueMicrotask(() => lines.push(...got.splice(0))));
      };
      keep(room);
      let last = 0;
      onMessage(room, ServerMessage.chat, (l) => (last = Math.max(last, l.id)));
      // About lines and catch-up, not rate limits: the talker's 4 lines/s and the member's resumes go unlimited.
      liftRateLimits(server, talker.roomId);
      const talk = chatter(talker, "t", 250);
      const serverRoom = server.getRoomById(talker.roomId);
      for (let drop = 0; drop < 4; drop++) {
        await eventually(() => lines.some((l) => l.text.startsWith("t")), "a line before the drop", 8000);
        room.connection.close();
        await eventually(() => serverRoom.clients.length === 1, "the server to notice the drop");
        room = hearAll(await reconnect(member, room));
        keep(room);
        if (withResume) send(room, ClientMessage.resume, { since: Math.max(0, ...lines.map((l) => l.id)) });
        // Back for a while, then the next drop comes before the fallback would have run.
        await eventually(() => lines.at(-1)?.text.startsWith("t"), "lines after the reconnection", 8000);
      }
      const lastSaid = talk.stop();
      await seen(room, lines, (l) => l.text === lastSaid, "the last line", 10_000);
      await say(talker, "end");
      await eventually(() => lines.some((l) => l.text === "end"), "the end line", 10_000);
      const talkerLines = lines.filter((l) => l.kind === "user");
      const ids = talkerLines.map((l) => l.id);
      assert.equal(new Set(ids).size, ids.length, `a line came twice: ${ids.join(",")}`);
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "in order");
      const numbers = talkerLines.filter((l) => l.text.startsWith("t")).map((l) => Number(l.text.slice(1)));
      assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => i + 1), "none missing");
      assert.equal(numbers.length, talk.count());
    });
  }
});

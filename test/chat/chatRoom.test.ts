import assert from "node:assert/strict";
import {
  CHAT_HISTORY_ON_JOIN,
  CHAT_RESUME_WAIT_MS,
  CHAT_TEXT_MAX_CHARS,
  ClientMessage,
  JOIN_INVALID_OPTIONS,
  JoinRefusal,
  RefusalCode,
  RoomName,
  ServerMessage,
  type ChatLine,
} from "../../server/shared/protocol";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { assertContiguous, nextLine, reconnect, record, say, seen } from "../helpers/chat";
import { collect, hearAll, joinUnchecked, nextError, nextMessage, until, sdkOf, sendUnchecked } from "../helpers/rooms";
import { liftRateLimits, useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { send, type GameRoom } from "../../client/rooms";

type Chat = GameRoom<"chat", ChatState>;

describe("ChatRoom", () => {
  const server = useServer();

  /** Joins and returns the room with the history it was sent on join. */
  async function join(channel: string, name?: string): Promise<{ room: Chat; history: ChatLine[] }> {
    const room = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, name ? { channel, name } : { channel }));
    return { room, history: (await nextMessage(room, ServerMessage.history)).lines };
  }

  it("relays a line to every member of the channel, the sender included, and not to other channels", async () => {
    const { room: ann } = await join("general", "Ann");
    const { room: ben } = await join("general", "Ben");
    const { room: cy } = await join("trade", "Cy");
    assert.equal(ann.roomId, ben.roomId);
    assert.notEqual(ann.roomId, cy.roomId);
    const cyHeard = collect(cy, ServerMessage.chat);

    const toBen = nextLine(ben, (l) => l.kind === "user" && l.sessionId === ann.sessionId, "Ann's line at Ben's");
    const toAnn = await say(ann, "  hello 世界 👋  ");
    assert.deepEqual(await toBen, toAnn);
    assert.equal(toAnn.text, "hello 世界 👋");
    assert.equal(toAnn.name, "Ann");
    assert.equal(toAnn.kind, "user");
    assert.ok(Math.abs(toAnn.time - Date.now()) < 60_000, "time is UTC milliseconds");

    const benLine = await say(ben, "hi Ann", ann);
    assert.equal(benLine.name, "Ben");
    assert.ok(benLine.id > toAnn.id, "ids increase within the channel");

    // Cy's channel saw Cy's own lines only: a line of Cy's arrives after anything from "general" would have.
    await say(cy, "anyone?");
    assert.deepEqual(cyHeard.filter((l) => l.kind === "user").map((l) => l.text), ["anyone?"]);
  });

  it("announces joins and leaves as system lines (a code, the member, English words for older clients) and keeps the member list", async () => {
    const { room: ann } = await join("lobby", "Ann");
    const joined = nextMessage(ann, ServerMessage.chat);
    const { room: ben } = await join("lobby", "Ben");
    const line = await joined;
    assert.deepEqual((({ kind, code, name, text, sessionId, playerId }) => ({ kind, code, name, text, sessionId, playerId }))(line), {
      kind: "system",
      code: "joined",
      name: "Ben",
      text: "Ben joined",
      sessionId: "",
      playerId: "",
    });
    await until(ann, (s) => s.members.size === 2, "two members");
    assert.equal(ann.state.members.get(ben.sessionId)?.name, "Ben");
    assert.equal(ann.state.channel, "lobby");

    const left = nextMessage(ann, ServerMessage.chat);
    await ben.leave();
    assert.deepEqual((({ code, name, text }) => ({ code, name, text }))(await left), { code: "left", name: "Ben", text: "Ben left" });
    await until(ann, (s) => s.members.size === 1, "one member");
  });

  it("sends the last 50 lines, in order, to a member who joins", async () => {
    const { room: ann } = await join("history", "Ann");
    liftRateLimits(server, ann.roomId);
    const total = CHAT_HISTORY_ON_JOIN + 15;
    for (let i = 1; i < total; i++) send(ann, ClientMessage.chat, { text: `line ${i}` });
    // Lines are relayed in order, so once the last is back, all are in the history.
    assert.equal((await say(ann, `line ${total}`)).text, `line ${total}`);

    const { history } = await join("history", "Ben");
    assert.equal(history.length, CHAT_HISTORY_ON_JOIN);
    assert.equal(history.at(-1)!.text, `line ${total}`);
    const ids = history.map((l) => l.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), "oldest first");
    assert.ok(ids.every((id, i) => i === 0 || id === ids[i - 1] + 1), "no gaps");
    assert.equal(history[0].text, `line ${total - CHAT_HISTORY_ON_JOIN + 1}`);
  });

  it("refuses empty, over-long and malformed lines with a reason and relays nothing", async () => {
    const { room: ann } = await join("strict", "Ann");
    const { room: ben } = await join("strict", "Ben");
    const benHeard = collect(ben, ServerMessage.chat);
    const benRefusals = collect(ben, ServerMessage.error);

    const cases: [unknown, RefusalCode][] = [
      [{ text: "   " }, RefusalCode.textEmpty],
      [{ text: "\u200B\u202E" }, RefusalCode.textEmpty],
      [{ text: "x".repeat(CHAT_TEXT_MAX_CHARS + 1) }, RefusalCode.textTooLong],
      [{ text: 5 }, RefusalCode.invalidPayload],
      [{ text: "hi", name: "Admin" }, RefusalCode.invalidPayload],
      ["hi", RefusalCode.invalidPayload],
      [undefined, RefusalCode.invalidPayload],
    ];
    for (const [payload, code] of cases) {
      sendUnchecked(ann, ClientMessage.chat, payload);
      const error = await nextError(ann);
      assert.equal(error.code, code, JSON.stringify(payload)?.slice(0, 60));
      assert.equal(error.type, ClientMessage.chat);
      assert.ok(error.message.length > 0);
    }
    sendUnchecked(ann, "shout", { text: "hi" });
    assert.equal((await nextError(ann)).code, RefusalCode.unknownType);

    // A good line after the bad ones is the first and only line Ben hears.
    await say(ann, "x".repeat(CHAT_TEXT_MAX_CHARS), ben);
    assert.deepEqual(benHeard.filter((l) => l.kind === "user").map((l) => l.text.length), [CHAT_TEXT_MAX_CHARS]);
    assert.equal(benRefusals.length, 0);
  });

  it("gives a reconnected member who never sends resume the lines said after its drop was noticed", async () => {
    const ann = await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "fallback", name: "Ann" });
    const before = record(ann);
    const { room: ben } = await join("fallback", "Ben");
    await seen(ann, before, (l) => l.text === "Ben joined", "Ben's arrival");

    ann.connection.close(); // dropped, not left
    // Without `resume` the server can only go by what it relayed before it noticed: a line relayed to
    // a socket that was already dead is not resent. That is why clients send `resume`.
    const room = server.getRoomById(ann.roomId);
    await eventually(async () => (room.clients.length === 1 ? true : undefined), "the server to notice the drop");
    await say(ben, "while you were away");
    const back = hearAll(await reconnect(server.sdk, ann));
    const after = record(back);
    await seen(back, after, (l) => l.text === "while you were away", "the missed line", CHAT_RESUME_WAIT_MS + 3000);
    await say(ben, "welcome back", back);
    assertContiguous([...before, ...after]);
    await back.leave();
  });

  it("refuses a resume that does not follow a reconnection, and sends no history for it", async () => {
    const { room: ann } = await join("no-replay", "Ann");
    const histories = collect(ann, ServerMessage.history);
    send(ann, ClientMessage.resume, { since: 0 });
    const error = await nextError(ann);
    assert.equal(error.code, RefusalCode.invalidPayload);
    assert.equal(error.type, ClientMessage.resume);
    assert.match(error.message, /right after a reconnection/);
    // A line sent after the resume arrives after any answer to it would have: none came.
    await say(ann, "still here");
    assert.equal(histories.length, 0);
  });

  it("refuses invalid channels and names at matchmaking", async () => {
    for (const [options, reason, code] of [
      [{}, /channel must be/, JOIN_INVALID_OPTIONS],
      [{ channel: "Has Spaces" }, /channel must be/, JOIN_INVALID_OPTIONS],
      [{ channel: "ok", name: "" }, /name must have at least one visible character/, JoinRefusal.nameInvisible],
      [{ channel: "ok", name: "n".repeat(17) }, /name must be at most 16/, JoinRefusal.nameTooLong],
      [{ channel: "ok", role: "admin" }, /unknown field/, JOIN_INVALID_OPTIONS],
    ] as [object, RegExp, number][]) {
      await assert.rejects(joinUnchecked(server, RoomName.chat, options), (error: { code: number; message: string }) => {
        assert.equal(error.code, code);
        assert.match(error.message, reason);
        return true;
      });
    }
  });
});

/** Moderation through the monitor's room-call path: mute, unmute and kick, each refused with a reason when it makes no sense. */
import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import { rejoin, send, type GameRoom } from "../../client/rooms";
import type { ChatRoom } from "../../server/rooms/ChatRoom";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { CLOSE_KICKED, ClientMessage, RefusalCode, RoomName, ServerMessage, type ChatLine } from "../../server/shared/protocol";
import { nextLine } from "../helpers/chat";
import { collect, hearAll, nextError, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";

/** The next chat line with exactly `text` that `room` hears. */
const lineWith = (room: GameRoom<"chat", ChatState>, text: string): Promise<ChatLine> => nextLine(room, (line) => line.text === text, `the line "${text}"`);

describe("chat moderation", () => {
  const server = useServer();

  async function channel() {
    const ann = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "mod", name: "Ann" }));
    const ben = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "mod", name: "Ben" }));
    return { ann, ben, room: server.getRoomById(ann.roomId) as unknown as ChatRoom };
  }

  it("mute refuses a member's lines with `muted` until unmute, through the monitor's room-call path", async () => {
    const { ann, ben, room } = await channel();
    const benHeard = collect(ben, ServerMessage.chat);
    // @colyseus/monitor's /api/room/call ends in matchMaker.remoteRoomCall(roomId, method, args).
    assert.deepEqual(await matchMaker.remoteRoomCall(room.roomId, "mute", [ann.sessionId, 60]), { ok: true });
    send(ann, ClientMessage.chat, { text: "can you hear me" });
    const refused = await nextError(ann);
    assert.equal(refused.code, RefusalCode.muted);
    assert.equal(refused.type, ClientMessage.chat);
    assert.match(refused.message, /you are muted for 60 s/);

    assert.deepEqual(await matchMaker.remoteRoomCall(room.roomId, "unmute", [ann.sessionId]), { ok: true });
    const heard = lineWith(ben, "back");
    send(ann, ClientMessage.chat, { text: "back" });
    assert.equal((await heard).sessionId, ann.sessionId);
    assert.deepEqual(benHeard.filter((l) => l.kind === "user").map((l) => l.text), ["back"], "nothing said while muted was relayed");
  });

  it("refuses bad moderation arguments without changing anything", async () => {
    const { ann, room } = await channel();
    assert.deepEqual(room.mute("nobody"), { ok: false, code: RefusalCode.noSuchMember, message: "no such member" });
    for (const seconds of [0, -1, NaN, Infinity, "60", 10 ** 9]) {
      assert.equal(room.mute(ann.sessionId, seconds).ok, false, String(seconds));
    }
    assert.deepEqual(room.unmute(ann.sessionId), { ok: false, code: RefusalCode.notMuted, message: "not muted" });
    assert.deepEqual(room.kick({ sessionId: ann.sessionId }), { ok: false, code: RefusalCode.noSuchMember, message: "no such member" });
    const line = lineWith(ann, "fine");
    send(ann, ClientMessage.chat, { text: "fine" });
    assert.equal((await line).kind, "user");
  });

  it("kick disconnects the member with CLOSE_KICKED and the channel sees them leave", async () => {
    const { ann, ben, room } = await channel();
    const annLeft = new Promise<number>((resolve) => ann.onLeave(resolve));
    const leftLine = lineWith(ben, "Ann left");
    assert.deepEqual(await matchMaker.remoteRoomCall(room.roomId, "kick", [ann.sessionId]), { ok: true });
    assert.equal(await annLeft, CLOSE_KICKED);
    assert.equal((await leftLine).kind, "system");
    assert.equal(room.state.members.has(ann.sessionId), false);
    // A kick is final: the dropped-socket seat (RECONNECT_SECONDS) is not kept for a kicked member.
    await assert.rejects(rejoin(server.sdk, ann));
  });
});

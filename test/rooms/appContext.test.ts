/** Two apps in one process: each room and route sees its own app's settings, stores and counters. */
import { boot } from "@colyseus/testing";
import assert from "node:assert/strict";
import { send } from "../../client/rooms";
import type { ChatRoom } from "../../server/rooms/ChatRoom";
import { ClientMessage, RATE_LIMITS } from "../../server/shared/messages";
import { RoomName } from "../../server/shared/payloads";
import { record, seen } from "../helpers/chat";
import { freePort } from "../helpers/ports";
import { hearAll, sdkOf } from "../helpers/rooms";
import { testApp, type TestApp } from "../helpers/server";

describe("app context: two apps in one process keep their settings apart", function () {
  this.timeout(20_000);

  /** Boots `app`, says a line in channel "apart" and returns what its room saw of its settings. */
  async function sayInChannel(app: TestApp, text: string) {
    const server = await boot(app.config, await freePort());
    try {
      const member = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "apart", name: "Ann" }));
      const room = server.getRoomById(member.roomId) as unknown as ChatRoom;
      const lines = record(member);
      send(member, ClientMessage.chat, { text });
      await seen(member, lines, (line) => line.text === text, "the line relayed");
      return { chatBurst: room.limits.rateOf(ClientMessage.chat).burst, settingsOfRoom: room.ctx.settings };
    } finally {
      await server.shutdown();
    }
  }

  it("a room of the first app built sees that app's settings and history, though a second app was built after it", async () => {
    const first = testApp({ RATE_LIMIT_SCALE: "3", CHAT_HISTORY_LINES: "7" });
    const second = testApp({ RATE_LIMIT_SCALE: "1" });
    assert.notEqual(first.context, second.context);

    const seenByFirst = await sayInChannel(first, "said in the first app");
    assert.equal(seenByFirst.settingsOfRoom, first.context.settings, "the room holds its own app's settings");
    assert.equal(seenByFirst.chatBurst, 3 * RATE_LIMITS.chat.burst, "RATE_LIMIT_SCALE of the first app, not the last built");

    const seenBySecond = await sayInChannel(second, "said in the second app");
    assert.equal(seenBySecond.chatBurst, RATE_LIMITS.chat.burst);

    const texts = async (app: TestApp) => (await app.context.chat.history.after("apart", 0, 50)).filter((l) => l.kind === "user").map((l) => l.text);
    assert.deepEqual(await texts(first), ["said in the first app"], "each app keeps its own chat history");
    assert.deepEqual(await texts(second), ["said in the second app"]);
    assert.equal(first.context.settings.chatHistory.lines, 7);
    assert.equal(second.context.settings.chatHistory.lines, 200);
    assert.notEqual(first.context.metrics.registry, second.context.metrics.registry, "and its own metrics");
  });
});

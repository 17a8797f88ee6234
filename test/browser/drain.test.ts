/**
 * The browser client through a drain (Chromium): the chat follows `move` and shows every line once,
 * and a battle that closes after the shutdown notice hands the player a fresh battle.
 */
import assert from "node:assert/strict";
import { RoomName } from "../../server/shared/payloads";
import { adminAuthorization } from "../helpers/admin";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { eventually } from "../helpers/wait";

describe("browser client through a drain (Chromium)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite({}, { DRAIN_TIMEOUT_S: "60" });

  it("moves the chat without losing or repeating a line, then joins a fresh battle when its room closes", async () => {
    const page = await suite.open("/");
    await page.fill("#name", "Ann");
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me)");
    await page.waitForSelector('#chat-log .line.system:has-text("Ann joined")');
    const chatRooms = () => [...suite.server.context.liveRooms].filter((room) => room.roomName === RoomName.chat);
    const say = async (text: string) => {
      await page.fill("#chat-input", text);
      await page.press("#chat-input", "Enter");
      await page.waitForSelector(`#chat-log .line.user:has-text("${text}")`);
    };
    await say("said before the drain");

    const response = await fetch(`${suite.server.httpUrl}/admin/drain`, { method: "POST", headers: { authorization: adminAuthorization(suite.server.settings) } });
    assert.equal(response.status, 202);
    await page.waitForSelector('#chat-log .line.system:has-text("Moving the chat")');
    // One process: the channel opens again here, in a room of its own the drain leaves unlocked.
    await eventually(() => chatRooms().some((room) => !room.locked && room.clients.length === 1), "the chat joined again");
    await say("said after the move");
    const texts = await page.locator("#chat-log .line.user .text").allTextContents();
    assert.deepEqual(texts, ["said before the drain", "said after the move"], "each line once");

    const battleId = await pageValue<string>(page, "window.game.battle.roomId");
    // What the shutdown at the drain's end does to each battle (SHUTDOWN_GRACE_MS is 0 in the tests).
    suite.server.getRoomById(battleId).onBeforeShutdown();
    await page.waitForFunction(`window.game?.battle && window.game.battle.roomId !== ${JSON.stringify(battleId)}`);
    await untilDrawn(page, "scene.players.some((p) => p.me)");
    assert.equal(await page.isHidden("#lobby-screen"), true, "still playing, in a fresh battle");
  });
});

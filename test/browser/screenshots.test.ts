/**
 * The screens as a player sees them, on a desktop (1280x800) and a phone in portrait (390x844):
 * the lobby, a battle's attack and hit, a death, a respawn, and the chat. Each step waits until the
 * frame report says the effect is on screen, then takes its screenshot into test-output/; with
 * DOCS_SCREENSHOTS=1 they go to docs/screenshots/ for docs/client.md instead.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/paths";
import type { BrowserContextOptions } from "playwright-core";
import { send, type GameRoom } from "../../client/rooms";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { ATTACK_COOLDOWN_MS, ATTACK_DAMAGE } from "../../server/shared/tuning";
import { ClientMessage } from "../../server/shared/messages";
import { RoomName } from "../../server/shared/payloads";
import { pageValue, screenshotPath, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { sdkOf } from "../helpers/rooms";
import { eventually } from "../helpers/wait";

const DOCS_DIR = join(ROOT, "docs", "screenshots");
const LAYOUTS: Array<[string, BrowserContextOptions]> = [
  ["desktop", { viewport: { width: 1280, height: 800 } }],
  ["phone", { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 }],
];

function shotPath(name: string): string {
  if (process.env.DOCS_SCREENSHOTS !== "1") return screenshotPath(name);
  mkdirSync(DOCS_DIR, { recursive: true });
  return join(DOCS_DIR, name);
}

describe("browser client: screenshots of every screen (Chromium)", function () {
  this.timeout(90_000);
  const suite = useBrowserSuite();
  const bots: Array<GameRoom<"battle", BattleState>> = [];
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((bot) => bot.leave()));
  });

  for (const [layout, options] of LAYOUTS) {
    it(`shows the lobby, an attack with its hit, a death, a respawn and the chat (${layout})`, async () => {
      const sdk = sdkOf(suite.server);
      const ben = await sdk.create(RoomName.battle, { name: "Ben" });
      bots.push(ben, await sdk.joinById(RoomName.battle, ben.roomId, { name: "Cat" }));
      bots.push(await sdk.create(RoomName.battle, { name: "Dot" }));
      // The bots only stand there: what the server tells them is not read.
      for (const bot of bots) bot.onMessage("*", () => {});
      const page = await suite.open("/", options);
      await page.fill("#name", "Ann");
      await page.waitForSelector(`#room-list li[data-room-id="${ben.roomId}"]`);
      await page.waitForSelector("#room-list li:nth-child(2)");
      await page.screenshot({ path: shotPath(`${layout}-lobby.png`) });

      await page.click(`#room-list li[data-room-id="${ben.roomId}"] button.join`);
      await untilDrawn(page, "scene.players.length === 3");
      const room = suite.server.getRoomById<BattleState>(ben.roomId);
      const annId = await pageValue<string>(page, "window.game.battle.sessionId");
      const [ann, benOnServer, cat] = [room.state.players.get(annId)!, room.state.players.get(ben.sessionId)!, room.state.players.get(bots[1].sessionId)!];
      Object.assign(ann, { x: 480, y: 500 });
      // Both within reach (ATTACK_RANGE 100), far enough apart to read on a phone.
      Object.assign(benOnServer, { x: 568, y: 530, hp: 2 * ATTACK_DAMAGE });
      Object.assign(cat, { x: 418, y: 432, hp: 25 });
      await untilDrawn(page, "scene.players.some((p) => p.name === 'Ben' && p.x === 568) && scene.players.some((p) => p.name === 'Cat' && p.y === 432)");
      // Ben walks up, so his nose shows where he faces.
      for (let seq = 1; seq <= 3; seq++) send(ben, ClientMessage.move, { dx: 0, dy: -1, seq });

      const attack = () => (layout === "phone" ? page.tap("#attack-button") : page.keyboard.press("Space"));
      const shotWhen = async (condition: string, name: string) => {
        await page.waitForFunction(condition);
        await page.screenshot({ path: shotPath(`${layout}-${name}.png`) });
      };
      await attack();
      await shotWhen("window.game.battle.drawn.effects.swing > 0 && window.game.battle.drawn.effects.damage > 0", "attack-hit");
      await page.click("#hint-dismiss");
      // The next attack once the cooldown is over, so no refusal shows in the screenshot.
      await page.waitForTimeout(ATTACK_COOLDOWN_MS);
      await eventually(async () => {
        if (benOnServer.alive) await attack();
        return !benOnServer.alive;
      }, "Ben defeated", 5000, 150);
      await shotWhen("window.game.battle.drawn.effects.death > 0 && document.querySelector('#kill-feed li') !== null", "death");
      await shotWhen("window.game.battle.drawn.effects.respawn > 0", "respawn");

      if (layout === "phone") await page.tap("#chat-toggle");
      await page.fill("#chat-input", "good fight, Ben!");
      await page.press("#chat-input", "Enter");
      await page.waitForSelector('#chat-log .line.user:has-text("good fight")');
      await page.screenshot({ path: shotPath(`${layout}-chat.png`) });
      assert.ok(await page.isVisible("#chat-log"));
    });
  }
});

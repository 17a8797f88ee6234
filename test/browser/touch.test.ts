/**
 * The client on a phone, in Chromium with touch emulation: the virtual stick and the attack button
 * drive the real server, and portrait and landscape layouts keep the map and controls on screen.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { ATTACK_DAMAGE, MAX_HP } from "../../server/shared/protocol";
import { pageValue, screenshotPath, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { eventually } from "../helpers/wait";

const PORTRAIT = { width: 390, height: 844 };
const LANDSCAPE = { width: 844, height: 390 };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const inside = (box: Box, size: { width: number; height: number }) =>
  box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width + 0.5 && box.y + box.height <= size.height + 0.5;
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe("browser client on a phone (Chromium, touch emulation)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite({ hasTouch: true, isMobile: true, viewport: PORTRAIT, deviceScaleFactor: 2 });

  async function quickPlay(name: string): Promise<Page> {
    const page = await suite.open("/");
    await page.fill("#name", name);
    await page.tap("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === arg)", name);
    return page;
  }

  async function serverPlayer(page: Page) {
    const roomId = await pageValue<string>(page, "window.game.battle.roomId");
    const sessionId = await pageValue<string>(page, "window.game.battle.sessionId");
    return suite.server.getRoomById<BattleState>(roomId).state.players.get(sessionId)!;
  }

  async function box(page: Page, selector: string): Promise<Box> {
    const found = await page.locator(selector).boundingBox();
    assert.ok(found, `${selector} is shown`);
    return found;
  }

  it("moves the player on the server with a drag in the left half of the battle, without scrolling or zooming the page", async () => {
    const page = await quickPlay("Ann");
    const me = await serverPlayer(page);
    Object.assign(me, { x: 300, y: 500 });
    await untilDrawn(page, "scene.players.some((p) => p.me && p.x === 300)");
    const arena = await box(page, "#arena");
    const start = { x: arena.x + arena.width * 0.2, y: arena.y + arena.height * 0.5 };
    const touch = await page.context().newCDPSession(page);
    await touch.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [start] });
    for (let step = 1; step <= 6; step++) {
      await touch.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: start.x + 10 * step, y: start.y }] });
    }
    await eventually(() => me.x >= 360, "the server moving the player right", 8000);
    assert.equal(me.y, 500, "a straight drag to the right moves right only");
    await touch.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await page.waitForFunction("window.game.battle.pendingInputs === 0");
    const stopped = me.x;
    assert.deepEqual(await pageValue(page, "[window.scrollX, window.scrollY, visualViewport.scale]"), [0, 0, 1]);
    // No browser pan or pinch-zoom on the battle, only vertical scrolling of the side panel.
    assert.deepEqual(
      await pageValue(page, `[getComputedStyle(document.getElementById("arena")).touchAction, getComputedStyle(document.getElementById("sidebar")).touchAction]`),
      ["none", "pan-y"],
    );
    await untilDrawn(page, "scene.players.some((p) => p.me && p.x === arg)", stopped);
  });

  it("hits a target in range with a tap on Attack", async () => {
    const ann = await quickPlay("Ann");
    const ben = await quickPlay("Ben");
    const [a, b] = [await serverPlayer(ann), await serverPlayer(ben)];
    Object.assign(a, { x: 470, y: 500 });
    Object.assign(b, { x: 530, y: 520 });
    await untilDrawn(ann, "scene.players.some((p) => p.name === 'Ben' && p.x === 530 && p.y === 520)");
    await ann.tap("#attack-button");
    await eventually(() => b.hp === MAX_HP - ATTACK_DAMAGE, "Ben hit on the server");
    await untilDrawn(ben, "scene.players.some((p) => p.me && p.hp === arg)", MAX_HP - ATTACK_DAMAGE);
  });

  it("shows the controls hint in gestures, not keys, and puts the map across the whole width in portrait with the scores in the sheet under it", async () => {
    const page = await quickPlay("Ann");
    await page.waitForSelector("#hint .touch-only", { state: "visible" });
    assert.ok(!(await page.isVisible("#hint .keys-only")), "no keys on a touch screen");
    assert.equal((await box(page, "#canvas")).width, PORTRAIT.width, "the map's canvas spans the screen");
    const canvas = await box(page, "#canvas");
    const scores = await box(page, ".scoreboard");
    assert.ok(scores.y >= canvas.y + canvas.height, "the scores are under the map, not over it");
    await page.tap("#chat-toggle");
    await page.waitForSelector(".scoreboard", { state: "hidden" });
    await page.tap("#scores-toggle");
    await page.waitForSelector(".scoreboard", { state: "visible" });
    assert.equal(await page.getAttribute("#scores-toggle", "aria-expanded"), "true");
    assert.equal(await page.getAttribute("#chat-toggle", "aria-expanded"), "false");
  });

  for (const [layout, size] of [["portrait", PORTRAIT], ["landscape", LANDSCAPE]] as const) {
    it(`keeps the whole map and the controls on screen in ${layout} (${size.width}x${size.height}), and opens the chat beside the map`, async () => {
      const page = await quickPlay("Ann");
      await page.setViewportSize(size);
      await page.waitForFunction(`innerWidth === ${size.width} && innerHeight === ${size.height}`);
      await page.screenshot({ path: screenshotPath(`touch-${layout}.png`) });
      const canvas = await box(page, "#canvas");
      // The room's name, its link and the way out stay on screen on a phone too.
      for (const selector of ["#canvas", "#attack-button", "#chat-toggle", "#leave", "#copy-link", "#room-name"]) {
        assert.ok(inside(await box(page, selector), size), `${selector} fits the ${layout} screen`);
      }
      // The renderer fits the whole map into the canvas: a map square of at least a third of the short side.
      assert.ok(Math.min(canvas.width, canvas.height) >= Math.min(size.width, size.height) / 2, `canvas ${canvas.width}x${canvas.height}`);
      assert.ok(!overlap(await box(page, "#attack-button"), canvas), "the attack button leaves the map uncovered");

      await page.tap("#chat-toggle");
      await page.waitForSelector("#chat-input", { state: "visible" });
      const chat = await box(page, "#chat");
      assert.ok(inside(chat, size), "the chat fits the screen");
      assert.ok(!overlap(chat, canvas), "the chat opens beside the map, not over it");
      assert.equal(await page.getAttribute("#chat-toggle", "aria-expanded"), "true");
      await page.screenshot({ path: screenshotPath(`touch-${layout}-chat.png`) });
    });
  }
});

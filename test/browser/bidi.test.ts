/**
 * Names and lines a player wrote, isolated wherever the page shows them (a right-to-left name beside
 * right-to-left words does not mix with them), and names on the canvas clipped to a width.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { DrawnLabel } from "../../client/render";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";

/** Sixteen full-width letters: the widest name the server accepts. */
const WIDE = "Ｗ".repeat(16);
const RTL_NAME = "سلام";
const RTL_LINE = "مرحبا بالجميع 123";
/** What the renderer clips a name label to (client/render.ts LABEL_MAX_WIDTH_PX). */
const LABEL_MAX_WIDTH_PX = 150;

/** Each element under `selector`: its tag and computed unicode-bidi. */
const isolation = (page: Page, selector: string) =>
  page.$$eval(selector, (elements) => elements.map((e) => [e.tagName, getComputedStyle(e).unicodeBidi]));

describe("browser client: names and lines isolated, labels clipped (Chromium)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite({ viewport: { width: 1280, height: 800 } });

  async function quickPlay(name: string): Promise<Page> {
    const page = await suite.open("/");
    await page.fill("#name", name);
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === arg)", name);
    return page;
  }

  it("isolates names and texts in the chat and the scores, and clips a wide name on the canvas", async () => {
    const wide = await quickPlay(WIDE);
    const rtl = await quickPlay(RTL_NAME);
    await wide.waitForSelector(`#chat-log .line.system bdi:text-is("${RTL_NAME}")`);
    await rtl.fill("#chat-input", RTL_LINE);
    await rtl.press("#chat-input", "Enter");
    await wide.waitForSelector(`#chat-log .line.user .text:text-is("${RTL_LINE}")`);

    const isolated = ["BDI", "isolate"];
    for (const selector of ["#chat-log .line.user .name", "#chat-log .line.user .text", "#chat-log .line.system .text bdi", "#scores td.name bdi"]) {
      const found = await isolation(wide, selector);
      assert.ok(found.length > 0, `nothing under ${selector}`);
      for (const each of found) assert.deepEqual(each, isolated, selector);
    }
    assert.deepEqual(await isolation(wide, "#scores td.name bdi").then((all) => all.length), 2);

    await wide.waitForFunction("window.game.battle.drawn.labels.length === 2");
    for (const page of [wide, rtl]) {
      const labels = await pageValue<DrawnLabel[]>(page, "window.game.battle.drawn.labels");
      const widest = labels.find((label) => label.text.startsWith("Ｗ"));
      assert.ok(widest, JSON.stringify(labels));
      assert.ok(widest.width <= LABEL_MAX_WIDTH_PX, `a ${widest.width} px label`);
    }
  });
});

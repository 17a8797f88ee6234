/** Keyboard and screen-reader basics of the client in Chromium: focus order, visible focus, names, live regions. */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";

describe("browser client for keyboards and screen readers (Chromium)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite();

  /** The id of the focused element after each of `count` Tab presses. */
  async function tabOrder(page: Page, count: number): Promise<string[]> {
    const order: string[] = [];
    for (let i = 0; i < count; i++) {
      await page.keyboard.press("Tab");
      order.push(await pageValue<string>(page, "document.activeElement.id || document.activeElement.tagName"));
    }
    return order;
  }

  /** Visible interactive elements without an accessible name (text, aria-label or a label around them). */
  const unnamed = (page: Page) =>
    pageValue<string[]>(
      page,
      `[...document.querySelectorAll("button, input, select, canvas, [tabindex]")]
        .filter((e) => e.getClientRects().length > 0)
        .filter((e) => !(e.getAttribute("aria-label") || (e.tagName === "BUTTON" && e.textContent.trim()) || e.closest("label")))
        .map((e) => e.id || e.tagName)`,
    );

  it("tabs from the language to quick play in order, shows where the focus is, and names every control", async () => {
    const page = await suite.open("/");
    assert.deepEqual(await tabOrder(page, 4), ["language", "name", "quick-play", "create-private"]);
    assert.equal(await pageValue(page, "getComputedStyle(document.activeElement).outlineStyle"), "solid", "focus is visible");
    assert.deepEqual(await unnamed(page), []);
  });

  it("puts the focus on the battle when play starts, then the hint, the header and the side panel; Escape from the chat returns to the battle", async () => {
    const page = await suite.open("/");
    await page.fill("#name", "Ann");
    await page.focus("#quick-play");
    await page.keyboard.press("Enter");
    await untilDrawn(page, "scene.players.some((p) => p.me)");
    assert.equal(await pageValue(page, "document.activeElement.id"), "canvas");
    // The controls hint of a first battle, then the header and the side panel.
    assert.deepEqual(await tabOrder(page, 6), ["hint-dismiss", "sound-toggle", "leave", "invite-link", "copy-link", "chat-input"]);
    await page.keyboard.press("Escape");
    assert.equal(await pageValue(page, "document.activeElement.id"), "canvas");
    // Buttons work from the keyboard in a battle: Enter presses the hint's, Space the sound switch.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#hint", { state: "hidden" });
    await page.focus("#sound-toggle");
    await page.keyboard.press("Space");
    assert.equal(await page.getAttribute("#sound-toggle", "aria-pressed"), "true");
    assert.equal(await pageValue(page, "document.activeElement.id"), "sound-toggle", "the button keeps the focus");
    assert.deepEqual(await unnamed(page), []);
    // Kills and chat lines are announced without interrupting.
    assert.equal(await page.getAttribute("#kill-feed", "aria-live"), "polite");
    assert.equal(await page.getAttribute("#chat-log", "aria-live"), "polite");
    assert.equal(await page.getAttribute("#chat-log", "role"), "log");
  });
});

/**
 * The localized client in Chromium: the language comes from the browser's languages (context
 * `locale`), the picker overrides it and is remembered, English fills in for anything else, and
 * refusals, close reasons, numbers and times are the viewer's.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";

describe("browser client in other languages (Chromium)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite();

  const text = (page: Page, selector: string) => page.textContent(selector);

  async function play(page: Page, name: string): Promise<void> {
    await page.fill("#name", name);
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === arg)", name);
  }

  it("speaks Spanish to a Spanish browser: lobby, <html lang>, refusals from their code and close reasons", async () => {
    const page = await suite.open("/", { locale: "es-ES" });
    assert.equal(await pageValue(page, "document.documentElement.lang"), "es");
    assert.equal(await text(page, "#quick-play"), "Partida rápida");
    assert.equal(await page.getAttribute("#name", "placeholder"), "déjalo vacío para uno al azar");
    assert.equal(await page.inputValue("#language"), "es");
    await play(page, "Ana");
    // Two attacks in a row: the second is refused for its cooldown, shown from the code in Spanish.
    await page.keyboard.press("Space");
    await page.keyboard.press("Space");
    await page.waitForSelector('#battle-notice:text("el ataque se está recargando.")');
    const roomId = await pageValue<string>(page, "window.game.battle.roomId");
    await suite.server.getRoomById<BattleState>(roomId).disconnect();
    await page.waitForSelector('#status:text("El servidor cerró esta sala.")');
  });

  it("speaks Japanese to a Japanese browser, with chat times in its locale and time zone", async () => {
    const page = await suite.open("/", { locale: "ja-JP", timezoneId: "Asia/Tokyo" });
    assert.equal(await pageValue(page, "document.documentElement.lang"), "ja");
    assert.equal(await pageValue(page, "document.title"), "バトル");
    assert.equal(await text(page, "#quick-play"), "クイックプレイ");
    await play(page, "Ken");
    assert.equal(await page.getAttribute("#canvas", "aria-label"), "バトル画面");
    await page.fill("#chat-input", "こんにちは");
    await page.press("#chat-input", "Enter");
    const line = page.locator('#chat-log .line.user:has(.text:text-is("こんにちは"))');
    await line.waitFor();
    const utc = await line.locator("time").getAttribute("datetime");
    const expected = new Intl.DateTimeFormat("ja-JP", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Tokyo" }).format(new Date(utc!));
    assert.equal(await line.locator("time").textContent(), expected);
  });

  it("falls back to English for a language it lacks, and remembers the picker's choice across a reload", async () => {
    const page = await suite.open("/", { locale: "fr-FR" });
    assert.equal(await pageValue(page, "document.documentElement.lang"), "en");
    assert.equal(await text(page, "#quick-play"), "Quick play");
    await page.selectOption("#language", "ja");
    assert.equal(await text(page, "#quick-play"), "クイックプレイ");
    assert.equal(await pageValue(page, "document.documentElement.lang"), "ja");
    await page.reload();
    assert.equal(await text(page, "#quick-play"), "クイックプレイ");
    assert.equal(await page.inputValue("#language"), "ja");
  });
});

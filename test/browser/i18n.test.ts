/**
 * The localized client in Chromium: the language comes from the browser's languages (context
 * `locale`), the picker overrides it and is remembered, English fills in for anything else, and
 * refusals, close reasons, numbers and times are the viewer's.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { eventually } from "../helpers/wait";
import { CATALOGS, LANGUAGE_NAMES, type Language } from "../../client/i18n";
import { roomName } from "../../server/shared/roomNames";
import { ATTACK_DAMAGE } from "../../server/shared/tuning";

/**
 * Installs, in the page, a record of every string it shows: each element's text where it has words
 * of its own, its placeholder, aria-label and title, the document's title, and every text drawn on a
 * canvas. Players' own chat lines are left out (their words); system lines ("Ann joined", worded by
 * the client from their code) and the client's own refusal lines in the chat are kept, without their
 * times.
 */
const RECORD_SHOWN = `(() => {
  const shown = (window.shown = new Set());
  for (const draw of ["fillText", "strokeText"]) {
    const original = CanvasRenderingContext2D.prototype[draw];
    CanvasRenderingContext2D.prototype[draw] = function (text, ...rest) {
      shown.add("canvas\u0000" + String(text));
      return original.call(this, text, ...rest);
    };
  }
  window.collectShown = () => {
    for (const element of document.body.querySelectorAll("*")) {
      // A line's time and its date on hover are the locale's own formats (checked in Japanese below).
      if (element.closest("#chat-log .line.user") || element.matches("#chat-log time, script, style")) continue;
      const own = [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== "");
      if (own) shown.add("text\u0000" + element.textContent.replace(/\\s+/g, " ").trim());
      for (const name of ["placeholder", "aria-label", "title"]) {
        const value = element.getAttribute(name);
        if (value) shown.add(name + "\u0000" + value);
      }
    }
    shown.add("title\u0000" + document.title);
  };
})()`;

const regexOf = (template: string) =>
  new RegExp(`^${template.replace(/\s+/g, " ").trim().replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\w+\\?\}|\{\w+\}/g, "(.+?)")}$`);

/**
 * Whether `text` is the catalog's words in `language` (a slot may hold anything that is itself
 * explained), or data the client only shows: names, a room's id and name, numbers, language names.
 */
function explained(text: string, language: Language, data: ReadonlySet<string>, depth = 0): boolean {
  const words = text.replace(/\s+/g, " ").trim();
  if (words === "" || data.has(words) || /^[\d\s.,:/−+-]+$/.test(words)) return true;
  if (depth > 2) return false;
  return Object.values(CATALOGS[language]).some((template) => {
    const match = regexOf(template).exec(words);
    return match !== null && match.slice(1).every((part) => explained(part, language, data, depth + 1));
  });
}

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

  for (const [locale, language, you] of [["es-ES", "es", "Bea (tú)"], ["ja-JP", "ja", "Bea（あなた）"]] as const) {
    it(`shows no word outside the ${language} catalog: lobby, battle, hits, a death, the canvas and the page's labels`, async () => {
      const ann = await suite.open("/");
      await play(ann, "Ann");
      const roomId = await pageValue<string>(ann, "window.game.battle.roomId");
      const page = await suite.open(`/?room=${roomId}`, { locale });
      await page.evaluate(RECORD_SHOWN);
      await page.waitForSelector(`#room-list li[data-room-id="${roomId}"]`);
      await page.evaluate("window.collectShown()");
      // A name of invisible characters only: refused with its own reason, in this language.
      await page.fill("#name", "\u200b\u2060");
      await page.click("#join-invite");
      await page.waitForSelector("#lobby-message:not(:empty)");
      assert.equal(await text(page, "#lobby-message"), CATALOGS[language]["join.nameInvisible"]);
      await page.evaluate("window.collectShown()");
      await page.fill("#name", "Bea");
      await page.click("#join-invite");
      await untilDrawn(page, "scene.players.some((p) => p.me)");
      // The battle chat's system lines, worded from their code in this language.
      const beaJoined = CATALOGS[language]["chat.system.joined"].replace("{name}", "Bea");
      // The name is isolated in its own element inside the sentence: compared by the whole text.
      await page.waitForFunction((words) => Array.from(document.querySelectorAll("#chat-log .line.system .text"), (e) => e.textContent).includes(words), beaJoined);

      const room = suite.server.getRoomById<BattleState>(roomId);
      const [annId, beaId] = [await pageValue<string>(ann, "window.game.battle.sessionId"), await pageValue<string>(page, "window.game.battle.sessionId")];
      Object.assign(room.state.players.get(annId)!, { x: 480, y: 500 });
      const bea = room.state.players.get(beaId)!;
      Object.assign(bea, { x: 520, y: 500, hp: 2 * ATTACK_DAMAGE });
      await untilDrawn(ann, "scene.players.some((p) => p.name === 'Bea' && p.x === 520)");
      await ann.keyboard.press("Space");
      await page.waitForFunction("window.game.battle.drawn.effects.damage > 0");
      await page.evaluate("window.collectShown()");
      await eventually(async () => {
        if (bea.alive) await ann.keyboard.press("Space");
        return !bea.alive;
      }, "Bea defeated", 5000, 150);
      await page.waitForSelector("#death-overlay:visible");
      await page.waitForSelector("#kill-feed li");
      await page.evaluate("window.collectShown()");
      await untilDrawn(page, "scene.players.some((p) => p.me && p.alive)");
      // Back, and attacks faster than the cooldown: a refusal (cooling down) is shown from its code.
      // Pressed until one shows: the first presses after a respawn may land before the page takes keys again.
      await eventually(async () => {
        await page.keyboard.press("Space");
        return page.evaluate(() => (document.querySelector("#battle-notice")?.textContent ?? "") !== "");
      }, "a refused attack's notice", 5000, 100);
      await page.evaluate("window.collectShown()");

      const shown = await pageValue<string[]>(page, "[...window.shown]");
      const data = new Set(["Ann", "Bea", roomId, roomName(roomId, language), ...Object.values(LANGUAGE_NAMES)]);
      const foreign = shown.filter((entry) => !explained(entry.split("\u0000")[1], language, data));
      assert.deepEqual(foreign, [], `shown in ${language} but from no ${language} catalog string`);
      // The canvas's own words were among them, in this language.
      assert.ok(shown.includes(`canvas\u0000${you}`), "the own player's label");
      assert.ok(shown.includes(`canvas\u0000${CATALOGS[language]["effect.damage"].replace("{amount}", String(ATTACK_DAMAGE))}`), "a damage number");
      assert.ok(shown.some((entry) => entry.startsWith("text\u0000") && entry.includes(CATALOGS[language]["battle.defeated"])), "the death overlay");
    });
  }

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

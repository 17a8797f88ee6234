/** Server-side bots as a player sees them, in Chromium: opponents at once, marked as bots in the player's language. */
import assert from "node:assert/strict";
import { CATALOGS } from "../../client/i18n";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";

describe("bots in the browser client (Chromium)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite({}, { BOTS_FILL_TO: "3" });

  for (const [locale, language] of [["en-GB", "en"], ["ja-JP", "ja"]] as const) {
    it(`gives a lone player in quick play bot opponents from the first frame, labelled as bots in ${language}`, async () => {
      const page = await suite.open("/", { locale });
      await page.fill("#name", "Solo");
      await page.click("#quick-play");
      await untilDrawn(page, "scene.players.some((p) => p.me)");
      // The first frame that shows the own player shows the bots too: they are in the state the join brings.
      const labels = await pageValue<string[]>(page, "window.game.battle.scene.players.filter((p) => !p.me).map((p) => p.label)");
      assert.equal(labels.length, 2, `two bots beside the player: ${JSON.stringify(labels)}`);
      const marked = new RegExp(`^${CATALOGS[language]["player.bot"].replace(/[()（）]/g, "\\$&").replace("{name}", ".+")}$`);
      for (const label of labels) assert.match(label, marked);
      await page.waitForFunction("document.querySelectorAll('#scores tr').length === 3");
      const rows = await page.locator("#scores tr .name").allTextContents();
      assert.equal(rows.filter((row) => marked.test(row)).length, 2, `score rows: ${JSON.stringify(rows)}`);
    });
  }
});

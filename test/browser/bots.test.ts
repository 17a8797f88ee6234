/** Server-side bots as a player sees them, in Chromium: opponents at once, marked as bots in the player's language. */
import assert from "node:assert/strict";
import { CATALOGS } from "../../client/i18n";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { ATTACK_DAMAGE } from "../../server/shared/tuning";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { eventually } from "../helpers/wait";

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

      // A bot one hit from defeat beside the player: the kill feed names it as a bot.
      const room = suite.server.getRoomById<BattleState>(await pageValue<string>(page, "window.game.battle.roomId"));
      const me = room.state.players.get(await pageValue<string>(page, "window.game.battle.sessionId"))!;
      const [bot, other] = [...room.state.players.values()].filter((p) => p.bot);
      // The other bot is kept across the map, so the defeat is the player's (bots fight each other too).
      const away = () => Object.assign(other!, { x: me.x < 500 ? 950 : 50, y: 950 });
      Object.assign(me, { x: 500, y: 500 });
      Object.assign(bot!, { x: 510, y: 500, hp: ATTACK_DAMAGE });
      away();
      await untilDrawn(page, "scene.players.some((p) => p.me && p.x === 500 && p.y === 500)");
      await eventually(async () => {
        if (bot!.alive) {
          away();
          Object.assign(bot!, { x: me.x + 10, y: me.y });
          await page.keyboard.press("Space");
        }
        return !bot!.alive;
      }, "the bot defeated", 5000, 150);
      const feed = await page.locator("#kill-feed li").first().textContent();
      assert.equal(feed, CATALOGS[language]["battle.kill"].replace("{killer}", "Solo").replace("{victim}", CATALOGS[language]["player.bot"].replace("{name}", bot!.name)));
    });
  }
});

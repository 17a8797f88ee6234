/**
 * The moderation console in Chromium, against the real app: a player reports a line with the
 * keyboard; the admin finds the player, reads their lines, mutes, bans their address (the player's
 * page says until when), unbans, erases, resolves the report; every step is in the audit log. A form
 * posted from another site is refused before the credentials are looked at.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { untilDrawn, useBrowserSuite } from "../helpers/browser";

const BROWSER_TEST_TIMEOUT_MS = 60_000;
const ANN_ADDRESS = "203.0.113.5";
const BEN_ADDRESS = "198.51.100.7";

describe("moderation console (Chromium)", function () {
  this.timeout(BROWSER_TEST_TIMEOUT_MS);
  // Each player's matchmaking names its own address through the trusted proxy header.
  const suite = useBrowserSuite({}, { TRUSTED_PROXY: "127.0.0.1" });

  async function quickPlay(name: string, address: string): Promise<Page> {
    const page = await suite.open("/", { extraHTTPHeaders: { "X-Forwarded-For": address } });
    await page.fill("#name", name);
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === arg)", name);
    await page.waitForSelector(`#chat-log .line.system:has-text("${name} joined")`);
    return page;
  }

  const console_ = () => {
    const { adminUser, adminPassword } = suite.server.settings;
    return suite.open("/admin/", { httpCredentials: { username: adminUser, password: adminPassword } });
  };
  const notice = (admin: Page) => admin.locator("p.notice").textContent();

  it("report, find, read, mute, ban with the player told until when, unban, erase, resolve: each in the audit log", async () => {
    const ann = await quickPlay("Ann", ANN_ADDRESS);
    const ben = await quickPlay("Ben", BEN_ADDRESS);
    await ann.fill("#chat-input", "you are all terrible");
    await ann.press("#chat-input", "Enter");
    const line = ben.locator('#chat-log .line.user:has-text("you are all terrible")');
    await line.waitFor();
    assert.equal(await ann.locator('#chat-log .line.user:has-text("you are all terrible") button.report').count(), 0, "no report control beside one's own line");
    // Keyboard: the control is a button reached by Tab from the line's row, pressed with Enter.
    await line.locator("button.report").focus();
    assert.equal(await line.locator("button.report").getAttribute("aria-label"), "Report this line to the moderators");
    await ben.keyboard.press("Enter");
    await ben.waitForSelector('#chat-log .line.system:has-text("Reported: a moderator will look at it.")');

    const admin = await console_();
    await admin.waitForSelector('#reports li:has-text("you are all terrible")');
    assert.match((await admin.locator("#reports li").first().textContent()) ?? "", /Ben .* reported/);
    await admin.fill('input[name="q"]', "Ann");
    await admin.click('form[role="search"] button');
    // A guest has a new id at every join: the chat's is the one her lines carry.
    const annRow = admin.locator('#players tr:has-text("Ann"):has-text("chat ")').first();
    await annRow.waitFor();
    assert.match((await annRow.textContent()) ?? "", new RegExp(ANN_ADDRESS.replace(/\./g, "\\.")), "a guest's address is shown");
    await annRow.locator("a").click();
    await admin.waitForSelector('#lines li:has-text("you are all terrible")');

    await admin.fill('form[action$="/actions/mute"] input[name="reason"]', "insults");
    await admin.click('form[action$="/actions/mute"] button');
    assert.match((await notice(admin)) ?? "", /^mute: 600 s/);
    await ann.fill("#chat-input", "still talking");
    await ann.press("#chat-input", "Enter");
    await ann.waitForSelector('#chat-log .line.refusal:has-text("a moderator muted you")');

    const banAddress = admin.locator(`form:has(button:has-text("Ban address ${ANN_ADDRESS}"))`);
    await banAddress.locator('input[name="seconds"]').fill("3600");
    await banAddress.locator('input[name="reason"]').fill("abuse");
    await banAddress.locator("button").click();
    assert.match((await notice(admin)) ?? "", /^ban: until .*removed from [1-9]/);
    await ann.waitForSelector('body:has-text("A moderator removed you")');
    await ann.reload();
    await ann.waitForSelector('#lobby-status:has-text("A moderator banned you until")');
    assert.doesNotMatch((await ann.locator("#lobby-status").textContent()) ?? "", /\?/, "the end of the ban, in words");

    await admin.goto(new URL("/admin/", suite.baseUrl).href);
    await admin.locator(`#bans tr:has-text("${ANN_ADDRESS}/32") button`).click();
    assert.match((await notice(admin)) ?? "", /^unban: ban lifted/);
    await ann.reload();
    await ann.fill("#name", "Ann");
    await ann.click("#quick-play");
    await untilDrawn(ann, "scene.players.some((p) => p.me)");

    // The report's line is by Ann's first id: erase her lines under it, then resolve the report.
    const report = admin.locator("#reports li").first();
    await report.locator("a").first().click();
    await admin.click('form[action$="/actions/erase"] button');
    assert.match((await notice(admin)) ?? "", /^erase: 1 line\(s\) erased/);
    assert.equal(await admin.locator("#lines li").count(), 0);
    await admin.goto(new URL("/admin/", suite.baseUrl).href);
    const resolve = admin.locator("#reports li").first();
    await resolve.locator('select[name="action"]').selectOption("dismiss");
    await resolve.locator('input[name="reason"]').fill("handled");
    await resolve.locator("button").click();
    assert.match((await notice(admin)) ?? "", /^resolve: dismiss/);
    assert.equal(await admin.locator("#reports li").count(), 0);

    const audit = await admin.locator("#audit tr").allTextContents();
    const actions = audit.slice(1).map((row) => row.match(/(mute|kick|ban|unban|erase|resolve)/)?.[1]);
    assert.deepEqual(actions, ["resolve", "erase", "unban", "ban", "mute"], audit.join("\n"));
    assert.ok(audit.every((row, i) => i === 0 || row.includes(suite.server.settings.adminUser)), "who");
  });

  it("refuses a console form posted from another site, before the credentials are looked at", async () => {
    const other = await console_();
    // localhost and 127.0.0.1 are different sites to the browser.
    await other.goto(`http://localhost:${suite.server.port}/health`);
    const refused = other.waitForResponse((response) => response.url().includes("/admin/actions/ban"));
    await other.evaluate(`(() => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = "http://127.0.0.1:${suite.server.port}/admin/actions/ban";
      for (const [name, value] of [["kind", "player"], ["target", "victim"]]) {
        const input = document.createElement("input");
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    })()`);
    assert.equal((await refused).status(), 403);
    assert.deepEqual(await suite.server.context.moderation.bans.list(Date.now()), []);
  });
});

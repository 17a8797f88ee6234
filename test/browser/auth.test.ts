/**
 * The browser client in auth mode (real Chromium): a token passed in the page address signs the
 * tab in, a page without one is told why it is refused, and a second tab of the same player takes
 * the seat over.
 */
import assert from "node:assert/strict";
import { createSecretKey } from "node:crypto";
import type { Page } from "playwright-core";
import { mintToken } from "../../scripts/token";
import { untilDrawn, useBrowserSuite } from "../helpers/browser";

const BROWSER_TEST_TIMEOUT_MS = 45_000;
const SECRET = "browser-test-secret-browser-test-secret";
const KEY = createSecretKey(Buffer.from(SECRET));
/** Pages run in a time zone far from UTC, so a time shown in UTC would not pass for local time. */
const TIME_ZONE = "Asia/Kolkata";

describe("browser client in auth mode (Chromium)", function () {
  this.timeout(BROWSER_TEST_TIMEOUT_MS);
  const suite = useBrowserSuite({ timezoneId: TIME_ZONE, locale: "en-GB" }, { AUTH_JWT_SECRET: SECRET });
  const open = (path: string): Promise<Page> => suite.open(path);

  it("signs in with ?token=, plays under the token's name and shows chat times in local time", async () => {
    const token = await mintToken(KEY, "HS256", { sub: "alice", name: "Alice 🦊" });
    const page = await open(`/?token=${token}`);
    await page.waitForSelector('#signed-in-name:text-is("Alice 🦊")');
    assert.ok(!page.url().includes(token), "the token is taken out of the address bar");
    assert.equal(await page.isVisible("#name"), false, "the token names the player");
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === arg)", "Alice 🦊");

    await page.fill("#chat-input", "hello 👋 世界");
    await page.press("#chat-input", "Enter");
    const line = page.locator('#chat-log .line.user:has(.text:text-is("hello 👋 世界"))');
    await line.waitFor();
    assert.equal(await line.locator(".name").textContent(), "Alice 🦊");
    assert.equal(await line.getAttribute("data-player-id"), "alice");
    const utc = await line.locator("time").getAttribute("datetime");
    const expected = new Date(utc!).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: TIME_ZONE });
    assert.equal(await line.locator("time").textContent(), expected);

    // A reload keeps the tab signed in (sessionStorage), without the token in the address.
    await page.goto(suite.baseUrl + "/");
    await page.waitForSelector('#signed-in-name:text-is("Alice 🦊")');
  });

  it("tells a page without a token, or with a bad one, why it cannot join", async () => {
    const guest = await open("/");
    await guest.waitForSelector('#lobby-status:has-text("Sign-in refused")');
    await guest.click("#quick-play");
    await guest.waitForSelector('#lobby-message:has-text("Sign-in refused: sign in first")');

    const forged = await mintToken(createSecretKey(Buffer.from("not-the-server-secret-not-the-server")), "HS256", { sub: "alice" });
    const mallory = await open(`/?token=${forged}`);
    await mallory.click("#quick-play");
    await mallory.waitForSelector(`#lobby-message:has-text("Sign-in refused: the token's signature does not verify")`);
  });

  it("hands the seat to a second tab of the same player, and the first says so instead of reconnecting", async () => {
    const token = await mintToken(KEY, "HS256", { sub: "bob", name: "Bob" });
    const first = await open(`/?token=${token}`);
    await first.click("#quick-play");
    await untilDrawn(first, "scene.players.some((p) => p.me)");
    const roomId = await first.evaluate("window.game.battle.roomId");

    const second = await open(`/?room=${roomId}&token=${token}`);
    await second.click("#join-invite");
    await untilDrawn(second, "scene.players.length === 1 && scene.players.some((p) => p.me && p.name === 'Bob')");
    await first.waitForSelector('#status:text("You joined this room from another tab or device.")');
  });
});

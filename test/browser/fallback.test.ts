/**
 * The long-polling fallback in a real Chromium: a page behind a proxy that refuses every Upgrade
 * (HTTP 403) plays over engine.io, and a page on an ordinary network uses WebSockets only.
 */
import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { FALLBACK_PATH } from "../../server/shared/fallback";
import { RoomName } from "../../server/shared/protocol";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { noUpgradeProxy, type NoUpgradeProxy } from "../helpers/noUpgradeProxy";

/** From the click on Quick play to the battle drawn, behind a proxy that refuses WebSockets. */
const ENTER_WITHIN_MS = 5_000;

describe("browser client: the long-polling fallback (Chromium)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite({}, { LOG_LEVEL: "info" });
  let proxy: NoUpgradeProxy | undefined;
  afterEach(() => proxy?.close());

  const roomIdOf = (page: Page) => pageValue<string>(page, "window.game.battle.roomId");
  const sessionIdOf = (page: Page) => pageValue<string>(page, "window.game.battle.sessionId");

  it(`enters a battle within ${ENTER_WITHIN_MS / 1000} s behind a proxy that refuses every Upgrade, plays, chats and survives a drop`, async () => {
    proxy = await noUpgradeProxy(suite.server.port);
    const ann = await suite.open(`${proxy.endpoint}/`);
    await ann.fill("#name", "Ann");
    // The lobby fell back first, and says so.
    await ann.waitForSelector("#transport-notice:visible");
    const clicked = performance.now();
    await ann.click("#quick-play");
    await untilDrawn(ann, "scene.players.some((p) => p.me)");
    const enteredMs = performance.now() - clicked;
    assert.ok(enteredMs < ENTER_WITHIN_MS, `entered in ${enteredMs.toFixed(0)} ms`);
    assert.ok(proxy.upgrades >= 1, "the WebSocket was tried and refused");

    const ben = await suite.open("/");
    await ben.fill("#name", "Ben");
    await ben.click(`#room-list li[data-room-id="${await roomIdOf(ann)}"] button.join`);
    await untilDrawn(ann, "scene.players.length === 2");
    assert.equal(await ben.isVisible("#transport-notice"), false, "an ordinary page shows no notice");

    // Moves with prediction: drawn at once, confirmed by the server.
    const roomId = await roomIdOf(ann);
    const sessionId = await sessionIdOf(ann);
    const battle = suite.server.getRoomById<BattleState>(roomId);
    Object.assign(battle.state.players.get(sessionId)!, { x: 300, y: 500 });
    await untilDrawn(ann, "scene.players.some((p) => p.me && p.x === 300)");
    await ann.keyboard.down("KeyD");
    await untilDrawn(ann, "scene.players.some((p) => p.me && p.x >= 340)");
    await ann.keyboard.up("KeyD");
    await untilDrawn(ben, "scene.players.some((p) => p.name === 'Ann' && p.x >= 340)");

    // Attacks: Ben next to Ann loses hit points.
    const benId = await sessionIdOf(ben);
    const annAt = battle.state.players.get(sessionId)!;
    Object.assign(battle.state.players.get(benId)!, { x: annAt.x + 20, y: annAt.y });
    await untilDrawn(ann, "scene.players.some((p) => p.name === 'Ben' && p.x === arg)", annAt.x + 20);
    await ann.keyboard.press("Space");
    await untilDrawn(ben, "scene.players.some((p) => p.me && p.hp < 100)");

    // Chats both ways.
    await ann.waitForSelector('#chat-log .line.system:has-text("Ben joined")');
    await ann.fill("#chat-input", "over polling");
    await ann.press("#chat-input", "Enter");
    await ben.waitForSelector('#chat-log .line.user:has(.text:text-is("over polling"))');

    // A drop: the server ends Ann's sessions as a network would; she comes back with nothing lost.
    const [chatListing] = await matchMaker.query({ name: RoomName.chat });
    const chat = suite.server.getRoomById<ChatState>(chatListing!.roomId);
    const chatSession = [...chat.state.members.entries()].find(([, m]) => m.name === "Ann")![0];
    for (const client of [...battle.clients.filter((c) => c.sessionId === sessionId), ...chat.clients.filter((c) => c.sessionId === chatSession)]) {
      (client.ref as unknown as { terminate(): void }).terminate();
    }
    await ben.fill("#chat-input", "while you were away");
    await ben.press("#chat-input", "Enter");
    await ann.waitForSelector('#status:text("Reconnected")');
    await ann.waitForSelector('#chat-status:text("Reconnected")');
    assert.equal(await sessionIdOf(ann), sessionId);
    await ann.waitForSelector('#chat-log .line.user:has(.text:text-is("while you were away"))');
    await ann.fill("#chat-input", "back");
    await ann.press("#chat-input", "Enter");
    await ben.waitForSelector('#chat-log .line.user:has(.text:text-is("back"))');
    assert.equal(await ben.locator('#chat-log .line.system:has-text("Ann left")').count(), 0);
    const fellBack = suite.server.logs.at("info", /fell back/).map((line) => line.reason);
    assert.ok(fellBack.includes("error") && fellBack.includes("remembered"), fellBack.join(","));
  });

  it("uses WebSockets only on an ordinary network: no polling request after the join", async () => {
    const page = await suite.open("/");
    const polled: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith(FALLBACK_PATH)) polled.push(request.url());
    });
    await page.fill("#name", "Cat");
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me)");
    await page.keyboard.press("KeyD");
    await page.fill("#chat-input", "plain sockets");
    await page.press("#chat-input", "Enter");
    await page.waitForSelector('#chat-log .line.user:has(.text:text-is("plain sockets"))');
    assert.deepEqual(polled, []);
    assert.equal(await page.isVisible("#transport-notice"), false);
  });
});

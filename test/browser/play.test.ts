/**
 * The browser client in a real Chromium (Debian's, driven by playwright-core) against the real
 * server: lobby, battle, chat, private links and reconnection.
 */
import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ATTACK_DAMAGE, MAX_HP, RoomName } from "../../server/shared/protocol";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { PAGE_TIMEOUT_MS, pageValue, screenshotPath, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { hearAll, sdkOf } from "../helpers/rooms";

/** Each test drives a few pages; a page load plus join takes about a second on a busy machine. */
const BROWSER_TEST_TIMEOUT_MS = 45_000;

describe("browser client (Chromium)", function () {
  this.timeout(BROWSER_TEST_TIMEOUT_MS);
  const suite = useBrowserSuite();
  before(() => console.log(`      (client bundle: ${suite.bundleBytes} bytes minified)`));

  /** A fresh browser profile on the lobby, with a name typed in. */
  async function openLobby(name: string, path = "/"): Promise<Page> {
    const page = await suite.open(path);
    await page.fill("#name", name);
    return page;
  }

  async function quickPlay(name: string): Promise<Page> {
    const page = await openLobby(name);
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === arg)", name);
    return page;
  }

  const roomIdOf = (page: Page) => pageValue<string>(page, "window.game.battle.roomId");
  const sessionIdOf = (page: Page) => pageValue<string>(page, "window.game.battle.sessionId");
  const battleRoom = (roomId: string) => suite.server.getRoomById<BattleState>(roomId);

  /** Puts a player somewhere on the server (test setup), as the battle tests do. */
  async function place(page: Page, x: number, y: number, hp = MAX_HP) {
    const player = battleRoom(await roomIdOf(page)).state.players.get(await sessionIdOf(page))!;
    Object.assign(player, { x, y, hp });
  }

  /** Ann and Ben in one battle, put where the test needs them; resolves once Ann sees Ben there. */
  async function duel(annAt: [number, number], benAt: [number, number, number?]): Promise<[Page, Page]> {
    const ann = await quickPlay("Ann");
    const ben = await quickPlay("Ben");
    await place(ann, ...annAt);
    await place(ben, ...benAt);
    const [x, y, hp = MAX_HP] = benAt;
    await untilDrawn(ann, "scene.players.some((p) => p.name === 'Ben' && p.x === arg.x && p.y === arg.y && p.hp === arg.hp)", { x, y, hp });
    return [ann, ben];
  }

  it("lists a battle live in the lobby, and two pages join it and see each other", async () => {
    const ann = await quickPlay("Ann");
    const roomId = await roomIdOf(ann);
    const ben = await openLobby("Ben");
    await ben.waitForSelector(`#room-list li[data-room-id="${roomId}"] .count:text("1/16 players")`);
    await ben.click(`#room-list li[data-room-id="${roomId}"] button.join`);
    await untilDrawn(ben, "scene.players.length === 2 && scene.players.some((p) => p.name === 'Ann' && !p.me)");
    await untilDrawn(ann, "scene.players.length === 2 && scene.players.some((p) => p.name === 'Ben' && !p.me)");
    assert.equal(await roomIdOf(ben), roomId);
    // A third page in the lobby sees the count go up.
    const cat = await openLobby("Cat");
    await cat.waitForSelector(`#room-list li[data-room-id="${roomId}"] .count:text("2/16 players")`);
  });

  it("moves the own player at once and shows the move to the other page", async () => {
    const [ann, ben] = await duel([300, 500], [700, 800]);
    await untilDrawn(ben, "scene.players.some((p) => p.name === 'Ann' && p.x === 300 && p.y === 500)");
    await untilDrawn(ann, "scene.players.some((p) => p.me && p.x === 300)");

    await ann.keyboard.down("KeyD");
    await untilDrawn(ann, "scene.players.some((p) => p.me && p.x >= 360)");
    await untilDrawn(ben, "scene.players.some((p) => p.name === 'Ann' && p.x >= 360 && p.y === 500)");
    await ann.keyboard.up("KeyD");
    // Once the server has applied every input, both pages settle on its position.
    await ann.waitForFunction("window.game.battle.pendingInputs === 0", undefined, { timeout: PAGE_TIMEOUT_MS });
    const settled = battleRoom(await roomIdOf(ann)).state.players.get(await sessionIdOf(ann))!;
    await untilDrawn(ben, "scene.players.some((p) => p.name === 'Ann' && p.x === arg)", settled.x);
    // The own player glides into its last predicted step within a frame or so.
    await untilDrawn(ann, "scene.players.some((p) => p.me && p.x === arg)", settled.x);
  });

  it("lowers the other player's HP bar with an attack in range", async () => {
    const [ann, ben] = await duel([470, 500], [530, 520]);
    await ann.keyboard.press("Space");
    const hp = MAX_HP - ATTACK_DAMAGE;
    await untilDrawn(ben, "scene.players.some((p) => p.me && p.hp === arg)", hp);
    await untilDrawn(ann, "scene.players.some((p) => p.name === 'Ben' && p.hp === arg)", hp);
    await ann.waitForSelector(`#scores tr:has(td.name bdi:text-is("Ben")) td:nth-child(4):text("${hp}")`);
  });

  it("shows a kill in the feed and scoreboard, and the victim a respawn countdown", async () => {
    const [ann, ben] = await duel([450, 480], [520, 500, ATTACK_DAMAGE]);
    await ben.fill("#chat-input", "come at me");
    await ben.press("#chat-input", "Enter");
    await ann.waitForSelector('#chat-log .line.user:has-text("come at me")');
    await ann.keyboard.press("Space");

    await ann.waitForSelector('#kill-feed li:has-text("defeated")');
    assert.equal(await ann.textContent("#kill-feed li"), "Ann defeated Ben");
    await ann.waitForSelector('#scores tr.me td:nth-child(2):text-is("1")');
    await ben.waitForSelector("#death-overlay:visible");
    const countdown = Number(await ben.textContent("#respawn-countdown"));
    assert.ok(countdown > 0 && countdown <= 3, `countdown ${countdown}`);
    await untilDrawn(ann, "scene.players.some((p) => p.name === 'Ben' && !p.alive)");
    await ann.screenshot({ path: screenshotPath("two-player-battle.png") });
    // Back with full HP after the respawn delay.
    await untilDrawn(ben, "scene.players.some((p) => p.me && p.alive && p.hp === arg)", MAX_HP);
    await ben.waitForSelector("#death-overlay", { state: "hidden" });
  });

  it("relays chat between the pages of one battle as text, never HTML", async () => {
    const ann = await quickPlay("Ann");
    const ben = await quickPlay("Ben");
    await ben.waitForSelector('#chat-log .line.system:has-text("Ben joined")');
    const hostile = "<img src=x onerror=alert(1)>";
    await ann.fill("#chat-input", hostile);
    await ann.press("#chat-input", "Enter");
    const line = ben.locator("#chat-log .line.user").last();
    await line.locator(".name", { hasText: "Ann" }).waitFor();
    assert.equal(await line.locator(".text").textContent(), hostile);
    assert.equal(await ben.locator("#chat-log img").count(), 0);
    assert.equal(await ann.locator("#chat-log img").count(), 0);
    // A refusal is shown inline: text of invisible characters only is empty once cleaned.
    await ann.fill("#chat-input", "\u200b\u200b");
    await ann.press("#chat-input", "Enter");
    await ann.waitForSelector('#chat-log .line.refusal:text("Not sent: the message is empty.")');
  });

  it("joins a private room through its link, and keeps it out of the lobby", async () => {
    const ann = await openLobby("Ann");
    await ann.click("#create-private");
    await untilDrawn(ann, "scene.players.some((p) => p.me)");
    const link = await ann.inputValue("#invite-link");
    const roomId = await roomIdOf(ann);
    assert.equal(new URL(link).searchParams.get("room"), roomId);

    const ben = await openLobby("Ben", new URL(link).pathname + new URL(link).search);
    await ben.click("#join-invite");
    await untilDrawn(ben, "scene.players.length === 2 && scene.players.some((p) => p.name === 'Ann')");
    assert.equal(await roomIdOf(ben), roomId);

    // Quick play does not land in it, and the lobby does not list it.
    const cat = await openLobby("Cat");
    await cat.waitForSelector("#room-list li.empty");
    await cat.click("#quick-play");
    await untilDrawn(cat, "scene.players.length === 1");
    assert.notEqual(await roomIdOf(cat), roomId);
  });

  it("says so when a linked room is gone or full", async () => {
    const gone = await openLobby("Ann", "/?room=nosuchroom");
    await gone.click("#join-invite");
    await gone.waitForSelector('#lobby-message:text("That room is gone")');

    const full = hearAll(await sdkOf(suite.server).create(RoomName.battle, { maxPlayers: 2 }));
    hearAll(await sdkOf(suite.server).joinById(RoomName.battle, full.roomId, {}));
    const late = await openLobby("Ben", `/?room=${full.roomId}`);
    await late.click("#join-invite");
    await late.waitForSelector('#lobby-message:text("That room is full")');
  });

  it("tells the player when the server closes the room, instead of reconnecting", async () => {
    const ann = await quickPlay("Ann");
    await ann.waitForSelector('#status:text("Connected")');
    await battleRoom(await roomIdOf(ann)).disconnect();
    await ann.waitForSelector('#status:text("The server closed this room.")');
    await ann.click("#leave");
    await ann.waitForSelector("#lobby-screen:visible");
  });

  it("reconnects a dropped page into the same player and chat", async () => {
    const ann = await quickPlay("Ann");
    const ben = await quickPlay("Ben");
    await ann.waitForSelector('#chat-log .line.system:has-text("Ben joined")');
    await place(ann, 250, 260, 70);
    await untilDrawn(ann, "scene.players.some((p) => p.me && p.x === 250 && p.hp === 70)");
    const roomId = await roomIdOf(ann);
    const sessionId = await sessionIdOf(ann);

    // Cut Ann's sockets from the server side, as a network drop would: no consented leave.
    const battle = battleRoom(roomId);
    const [chatListing] = await matchMaker.query({ name: RoomName.chat });
    const chat = suite.server.getRoomById<ChatState>(chatListing.roomId);
    const chatSession = [...chat.state.members.entries()].find(([, m]) => m.name === "Ann")![0];
    for (const client of [...battle.clients.filter((c) => c.sessionId === sessionId), ...chat.clients.filter((c) => c.sessionId === chatSession)]) {
      (client.ref as unknown as { terminate(): void }).terminate();
    }

    await ann.waitForSelector('#status:text("Reconnected")');
    await ann.waitForSelector('#chat-status:text("Reconnected")');
    assert.equal(await sessionIdOf(ann), sessionId);
    await untilDrawn(ann, "scene.players.some((p) => p.me && p.x === 250 && p.y === 260 && p.hp === 70)");
    await untilDrawn(ben, "scene.players.length === 2");
    // Nobody saw Ann leave, and her chat still reaches Ben.
    assert.equal(await ben.locator('#chat-log .line.system:has-text("Ann left")').count(), 0);
    await ann.fill("#chat-input", "still here");
    await ann.press("#chat-input", "Enter");
    await ben.waitForSelector('#chat-log .line.user:has(.text:text-is("still here"))');
  });
});

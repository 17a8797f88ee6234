/**
 * The battle's look and feel in Chromium against the real server: effects drawn from the server's
 * messages (read from the frame report the renderer keeps, and from the canvas's own text calls),
 * labels that never overlap, reduced motion, room names, the controls hint and the sound switch.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { ATTACK_DAMAGE, MAX_HP } from "../../server/shared/tuning";
import { roomName } from "../../server/shared/roomNames";
import type { DrawnLabel } from "../../client/render";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { eventually } from "../helpers/wait";

/** The most of each effect kind any frame drew, the moving ones, and every text the canvas drew. */
interface Seen {
  max: Record<"swing" | "hit" | "damage" | "death" | "respawn", number>;
  moving: number;
  reduced: boolean | null;
  texts: string[];
}

/**
 * Records, frame by frame, what the renderer reports and every fillText on a canvas: the probes the
 * assertions read. Installed on a page already in a battle.
 */
const RECORD = `(() => {
  const seen = { max: { swing: 0, hit: 0, damage: 0, death: 0, respawn: 0 }, moving: 0, reduced: null, texts: new Set() };
  window.seen = seen;
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    seen.texts.add(String(text));
    return fillText.call(this, text, ...rest);
  };
  const sample = () => {
    const drawn = window.game?.battle?.drawn;
    if (drawn) {
      for (const kind in seen.max) seen.max[kind] = Math.max(seen.max[kind], drawn.effects[kind]);
      seen.moving = Math.max(seen.moving, drawn.moving);
      seen.reduced = drawn.reducedMotion;
    }
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
})()`;

const seenOn = (page: Page) => pageValue<Seen>(page, "({ ...window.seen, texts: [...window.seen.texts] })");
const overlap = (a: DrawnLabel, b: DrawnLabel) =>
  a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

describe("browser client: the battle's look and feel (Chromium)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite({ viewport: { width: 1280, height: 800 } });

  async function quickPlay(name: string, options = {}): Promise<Page> {
    const page = await suite.open("/", options);
    await page.fill("#name", name);
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === arg)", name);
    return page;
  }

  async function serverPlayer(page: Page) {
    const roomId = await pageValue<string>(page, "window.game.battle.roomId");
    const sessionId = await pageValue<string>(page, "window.game.battle.sessionId");
    return suite.server.getRoomById<BattleState>(roomId).state.players.get(sessionId)!;
  }

  /** Ann and Ben side by side (Ben with `benHp`), each page recording what it draws. */
  async function duel(options = {}, benHp = MAX_HP): Promise<{ ann: Page; ben: Page; benOnServer: Awaited<ReturnType<typeof serverPlayer>> }> {
    const ann = await quickPlay("Ann", options);
    const ben = await quickPlay("Ben", options);
    Object.assign(await serverPlayer(ann), { x: 470, y: 500 });
    const benOnServer = await serverPlayer(ben);
    Object.assign(benOnServer, { x: 530, y: 520, hp: benHp });
    await untilDrawn(ann, "scene.players.some((p) => p.name === 'Ben' && p.x === 530 && p.y === 520 && p.hp === arg)", benHp);
    await untilDrawn(ben, "scene.players.some((p) => p.name === 'Ann' && p.x === 470 && p.y === 500)");
    await ann.evaluate(RECORD);
    await ben.evaluate(RECORD);
    return { ann, ben, benOnServer };
  }

  it("draws an attack's swing, the hit with its damage number, a death and a respawn, all from what the server sent", async () => {
    const { ann, ben, benOnServer } = await duel({}, 2 * ATTACK_DAMAGE);
    await ann.keyboard.press("Space");
    await untilDrawn(ann, "scene.players.some((p) => p.name === 'Ben' && p.hp === arg)", ATTACK_DAMAGE);
    await ann.waitForFunction("window.seen.max.swing > 0 && window.seen.max.hit > 0 && window.seen.max.damage > 0");
    const afterHit = await seenOn(ann);
    assert.ok(afterHit.texts.includes(`−${ATTACK_DAMAGE}`), `the damage number is drawn: ${afterHit.texts.join(" | ")}`);
    assert.ok(afterHit.moving > 0, "the swing sweeps and the number rises");
    await ben.waitForFunction("window.seen.max.swing > 0 && window.seen.max.hit > 0 && window.seen.max.damage > 0");

    // Again until the cooldown lets the second attack through and Ben falls.
    await eventually(async () => {
      if (benOnServer.alive) await ann.keyboard.press("Space");
      return !benOnServer.alive;
    }, "Ben defeated", 5000, 150);
    await ann.waitForFunction("window.seen.max.death > 0");
    await ben.waitForFunction("window.seen.max.death > 0");
    // Back after the respawn delay: drawn on both pages.
    await untilDrawn(ann, "scene.players.some((p) => p.name === 'Ben' && p.alive)");
    await ann.waitForFunction("window.seen.max.respawn > 0");
    await ben.waitForFunction("window.seen.max.respawn > 0");
  });

  it("keeps the labels of two adjacent players apart, and marks the own one in the catalog's words", async () => {
    const ann = await quickPlay("Ann");
    const ben = await quickPlay("Ben");
    Object.assign(await serverPlayer(ann), { x: 500, y: 500 });
    Object.assign(await serverPlayer(ben), { x: 506, y: 502 });
    for (const page of [ann, ben]) {
      await untilDrawn(page, "scene.players.filter((p) => p.x === 500 || p.x === 506).length === 2");
      await page.waitForFunction("window.game.battle.drawn.labels.length === 2");
      const labels = await pageValue<DrawnLabel[]>(page, "window.game.battle.drawn.labels");
      assert.ok(!overlap(labels[0], labels[1]), JSON.stringify(labels));
    }
    const texts = (await pageValue<DrawnLabel[]>(ann, "window.game.battle.drawn.labels")).map((l) => l.text).sort();
    assert.deepEqual(texts, ["Ann (you)", "Ben"]);
  });

  it("turns the effects down for a player who prefers reduced motion: still marks, nothing sweeps, flies or rises", async () => {
    const { ann } = await duel({ reducedMotion: "reduce" });
    await ann.keyboard.press("Space");
    await ann.waitForFunction("window.seen.max.swing > 0 && window.seen.max.hit > 0 && window.seen.max.damage > 0");
    const seen = await seenOn(ann);
    assert.equal(seen.reduced, true);
    assert.equal(seen.moving, 0);
  });

  it("names each battle from its id, in the lobby and in the battle's header and title", async () => {
    const ann = await quickPlay("Ann");
    const roomId = await pageValue<string>(ann, "window.game.battle.roomId");
    const name = roomName(roomId, "en");
    assert.equal(await ann.textContent("#room-name"), name);
    assert.equal(await pageValue(ann, "document.title"), `${name} – Battle`);
    const lobby = await suite.open("/");
    await lobby.waitForSelector(`#room-list li[data-room-id="${roomId}"] .room-name:text-is("${name}")`);
    const spanish = await suite.open("/", { locale: "es-ES" });
    await spanish.waitForSelector(`#room-list li[data-room-id="${roomId}"] .room-name:text-is("${roomName(roomId, "es")}")`);
    assert.equal(await spanish.getAttribute(`#room-list li[data-room-id="${roomId}"] button.join`, "aria-label"), `Entrar en ${roomName(roomId, "es")}`);
  });

  it("shows the controls hint on the first battle only, until it is dismissed", async () => {
    const page = await quickPlay("Ann");
    await page.waitForSelector("#hint:visible");
    assert.ok(await page.isVisible("#hint .keys-only"), "keys on a keyboard device");
    assert.ok(!(await page.isVisible("#hint .touch-only")));
    await page.click("#hint-dismiss");
    await page.waitForSelector("#hint", { state: "hidden" });
    assert.equal(await pageValue(page, "document.activeElement.id"), "canvas", "play goes on with the keys");
    await page.click("#leave");
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me)");
    assert.ok(!(await page.isVisible("#hint")), "not again in this browser");
  });

  it("keeps sound off until asked, and remembers the choice", async () => {
    const page = await quickPlay("Ann");
    assert.equal(await page.getAttribute("#sound-toggle", "aria-pressed"), "false");
    await page.click("#sound-toggle");
    assert.equal(await page.getAttribute("#sound-toggle", "aria-pressed"), "true");
    // An attack with sound on (Space from the battle view: on the focused button it would press it).
    await page.focus("#canvas");
    await page.keyboard.press("Space");
    await page.reload();
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me)");
    assert.equal(await page.getAttribute("#sound-toggle", "aria-pressed"), "true");
  });
});

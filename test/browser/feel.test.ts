/**
 * Play feel in a real Chromium through the latency proxy, measured as a player sees it: how often
 * the own player moves while a key is held, how soon the first step is drawn, and corrections.
 */
import assert from "node:assert/strict";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { latencyProxy, type LatencyProxy } from "../helpers/latency";
import { pageValue, untilDrawn, useBrowserSuite } from "../helpers/browser";

const RTT_MS = 150;
const JITTER_MS = 10;
const HOLD_MS = 2000;
/** Smooth play: the own player moves in at least this share of frames while a key is held. */
const MOVING_FRAMES_MIN = 0.8;

interface Frame {
  now: number;
  x: number;
  predicted: number;
}

describe("browser client: play feel (Chromium)", function () {
  this.timeout(60_000);
  const suite = useBrowserSuite();
  let proxy: LatencyProxy | undefined;
  afterEach(() => proxy?.close());

  it(`draws the own player moving on most frames, from the first frame after keydown, with 0 corrections at ${RTT_MS} ms RTT`, async () => {
    proxy = await latencyProxy(suite.server.port, { rttMs: RTT_MS, jitterMs: JITTER_MS, seed: 3 });
    const page = await suite.open(`${proxy.endpoint}/`);
    await page.fill("#name", "Ann");
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me)");
    const roomId = await pageValue<string>(page, "window.game.battle.roomId");
    const sessionId = await pageValue<string>(page, "window.game.battle.sessionId");
    Object.assign(suite.server.getRoomById<BattleState>(roomId).state.players.get(sessionId)!, { x: 200, y: 500 });
    await untilDrawn(page, "scene.players.some((p) => p.me && p.x === 200)");
    const correctionsBefore = await pageValue<number>(page, "window.game.battle.corrections");

    // Every frame the game composes, recorded in the page with the time of the keydown.
    await page.evaluate(`(() => {
      window.feel = { frames: [], keydownAt: null, keyEventAt: null };
      // Registered after the game's own listener: by now the page has handled the key.
      addEventListener("keydown", (e) => {
        window.feel.keydownAt ??= performance.now();
        window.feel.keyEventAt ??= e.timeStamp;
      });
      let seen = null;
      const sample = () => {
        const battle = window.game.battle;
        const scene = battle?.scene;
        if (scene && scene.now !== seen) {
          seen = scene.now;
          const me = scene.players.find((p) => p.me);
          window.feel.frames.push({ now: scene.now, x: me.x, predicted: battle.predicted.x });
        }
        requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    })()`);
    await page.keyboard.down("KeyD");
    await page.waitForTimeout(HOLD_MS); // holding the key is the scenario: its length is the measurement window
    const { frames, keydownAt, keyEventAt } = await pageValue<{ frames: Frame[]; keydownAt: number; keyEventAt: number }>(page, "window.feel");
    await page.keyboard.up("KeyD");
    await page.waitForFunction("window.game.battle.pendingInputs === 0");
    const corrections = (await pageValue<number>(page, "window.game.battle.corrections")) - correctionsBefore;

    const held = frames.filter((f) => f.now > keydownAt);
    const firstMoved = held.findIndex((f) => f.x > 200);
    let moving = 0;
    for (let i = 1; i < held.length; i++) {
      assert.ok(held[i].x >= held[i - 1].x, `drawn back at frame ${i}: ${held[i - 1].x} -> ${held[i].x}`);
      assert.ok(held[i].x <= held[i].predicted, `frame ${i} drawn at ${held[i].x}, ahead of the prediction ${held[i].predicted}`);
      if (held[i].x > held[i - 1].x) moving++;
    }
    const share = moving / (held.length - 1);
    const fps = (held.length - 1) / ((held[held.length - 1].now - held[0].now) / 1000);
    console.log(
      `      own player moved in ${(100 * share).toFixed(1)} % of ${held.length} frames (${fps.toFixed(0)} fps), ` +
        `first drawn movement ${(held[firstMoved].now - keyEventAt).toFixed(1)} ms after the key event (frame ${firstMoved + 1} after the page handled it), ${corrections} corrections`,
    );
    assert.equal(firstMoved, 0, "the first frame after keydown already shows the first step");
    assert.ok(share >= MOVING_FRAMES_MIN, `moved in ${(100 * share).toFixed(1)} % of frames`);
    assert.equal(corrections, 0);
  });
});

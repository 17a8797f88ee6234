/** The browser client on a grown arena: a camera on the own player, a minimap, only players in view drawn. */
import assert from "node:assert/strict";
import { RoomName, INTEREST_CELL } from "../../server/shared/protocol";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { arenaSize } from "../../server/shared/arena";
import { screenshotPath, untilDrawn, useBrowserSuite } from "../helpers/browser";
import { hearAll, sdkOf } from "../helpers/rooms";

/** Seats of the arena: a 2237 x 2237 map. */
const SEATS = 500;

describe("browser client on a grown arena", function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();

  it("follows the own player and draws the players in its view only", async () => {
    const host = hearAll(await sdkOf(suite.server).create(RoomName.battle, { maxPlayers: SEATS }));
    const near = hearAll(await sdkOf(suite.server).joinById(RoomName.battle, host.roomId, {}));
    const room = suite.server.getRoomById<BattleState>(host.roomId);
    const page = await suite.open(`/?room=${host.roomId}`);
    await page.fill("#name", "Ann");
    await page.click("#join-invite");
    await untilDrawn(page, "scene.players.some((p) => p.me)");
    const size = arenaSize(SEATS);
    await untilDrawn(page, "scene.map.width === arg", size.width);
    // Ann at the centre, one player next to her, the host three cells away.
    for (const [id, player] of room.state.players) {
      if (id === host.sessionId) Object.assign(player, { x: 1100 + 3 * INTEREST_CELL, y: 1100 });
      else if (id === near.sessionId) Object.assign(player, { x: 1150, y: 1130 });
      else Object.assign(player, { x: 1100, y: 1100 });
    }
    await untilDrawn(page, "scene.players.some((p) => p.me && p.x === 1100) && scene.players.some((p) => !p.me && p.x === 1150)");
    await untilDrawn(page, "scene.players.length === 2");
    const shot = await page.screenshot({ path: screenshotPath("arena-camera.png") });
    assert.ok(shot.length > 0);
  });
});

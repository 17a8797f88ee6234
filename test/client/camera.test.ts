import assert from "node:assert/strict";
import { CAMERA_SPAN, camera } from "../../client/camera";
import { arenaSize } from "../../server/shared/arena";
import { MAP_HEIGHT, MAP_WIDTH } from "../../server/shared/protocol";

const screen = { width: 1200, height: 800 };
const MARGIN = 40;

describe("client camera", () => {
  it("shows a map of up to MAP_WIDTH x MAP_HEIGHT whole, centred, with no minimap", () => {
    const view = camera({ width: MAP_WIDTH, height: MAP_HEIGHT }, screen, { x: 10, y: 10 }, MARGIN);
    assert.equal(view.follows, false);
    assert.equal(view.scale, (800 - 2 * MARGIN) / MAP_HEIGHT);
    assert.equal(view.left + (MAP_WIDTH / 2) * view.scale, 600, "centred");
  });

  it("follows the own player on a grown arena at CAMERA_SPAN across the longer side", () => {
    const map = arenaSize(2000);
    const me = { x: 2000, y: 1500 };
    const view = camera(map, screen, me, MARGIN);
    assert.equal(view.follows, true);
    assert.equal(screen.width / view.scale, CAMERA_SPAN);
    assert.deepEqual([view.left + me.x * view.scale, view.top + me.y * view.scale], [600, 400], "the player is in the middle");
  });

  it("stops at the map's edge instead of showing the void beyond it", () => {
    const map = arenaSize(2000);
    const corner = camera(map, screen, { x: 0, y: 0 }, MARGIN);
    assert.deepEqual([corner.left, corner.top], [MARGIN, MARGIN]);
    const far = camera(map, screen, { x: map.width, y: map.height }, MARGIN);
    assert.equal(far.left + map.width * far.scale, screen.width - MARGIN);
    assert.equal(far.top + map.height * far.scale, screen.height - MARGIN);
  });
});

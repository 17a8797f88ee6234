/**
 * Where the battle view looks. A map up to MAP_WIDTH x MAP_HEIGHT is shown whole, as always; a
 * bigger one (an arena grown with its capacity) is followed around the own player at a fixed zoom
 * that shows CAMERA_SPAN world units along the screen's longer side: about what interest management
 * guarantees a client sees (INTEREST_SEEN_WITHIN on each side). Pure, so it is tested without a browser.
 */
import { clamp, type MapSize, type Point } from "../server/shared/game";
import { shownWhole } from "../server/shared/arena";
import { INTEREST_SEEN_WITHIN } from "../server/shared/tuning";

/** World units shown along the longer side of the screen while following. */
export const CAMERA_SPAN = 2 * INTEREST_SEEN_WITHIN;

/** World (x, y) is drawn at CSS pixel (left + x * scale, top + y * scale). */
export interface Camera {
  scale: number;
  left: number;
  top: number;
  /** True when only part of the map is on screen (then a minimap is drawn). */
  follows: boolean;
}

export function camera(map: MapSize, screen: { width: number; height: number }, focus: Point | null, marginPx: number): Camera {
  if (shownWhole(map)) {
    // Fit the whole map, centred, whatever the box's shape.
    const scale = Math.max(0.01, Math.min((screen.width - 2 * marginPx) / map.width, (screen.height - 2 * marginPx) / map.height));
    return { scale, left: (screen.width - map.width * scale) / 2, top: (screen.height - map.height * scale) / 2, follows: false };
  }
  const scale = Math.max(screen.width, screen.height) / CAMERA_SPAN;
  const at = focus ?? { x: map.width / 2, y: map.height / 2 };
  // Centred on the focus, but never showing more than the margin beyond the map's edges.
  const axis = (pos: number, size: number, screenSize: number) => {
    const centred = screenSize / 2 - pos * scale;
    const lowest = screenSize - size * scale - marginPx;
    return lowest > marginPx ? (screenSize - size * scale) / 2 : clamp(centred, lowest, marginPx);
  };
  return { scale, left: axis(at.x, map.width, screen.width), top: axis(at.y, map.height, screen.height), follows: true };
}

/** How big a battle map is: it grows with the room's capacity, so crowds stay as dense at any size. */
import type { MapSize } from "./game";
import { ARENA_AREA_PER_PLAYER, MAP_HEIGHT, MAP_WIDTH } from "./tuning";

/**
 * Whether the client shows this map whole on one screen: then every client gets every player, as
 * interest management would hide players on screen. A bigger map is followed by a camera (client/camera.ts).
 */
export function shownWhole(map: MapSize): boolean {
  return map.width <= MAP_WIDTH && map.height <= MAP_HEIGHT;
}

/** A square map of ARENA_AREA_PER_PLAYER per seat, never smaller than MAP_WIDTH x MAP_HEIGHT. */
export function arenaSize(maxPlayers: number): MapSize {
  const side = Math.ceil(Math.sqrt(maxPlayers * ARENA_AREA_PER_PLAYER));
  return { width: Math.max(MAP_WIDTH, side), height: Math.max(MAP_HEIGHT, side) };
}

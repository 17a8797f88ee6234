/** How big a battle map is: it grows with the room's capacity, so crowds stay as dense at any size. */
import type { MapSize } from "./game";
import { ARENA_AREA_PER_PLAYER, MAP_HEIGHT, MAP_WIDTH } from "./protocol";

/** A square map of ARENA_AREA_PER_PLAYER per seat, never smaller than MAP_WIDTH x MAP_HEIGHT. */
export function arenaSize(maxPlayers: number): MapSize {
  const side = Math.ceil(Math.sqrt(maxPlayers * ARENA_AREA_PER_PLAYER));
  return { width: Math.max(MAP_WIDTH, side), height: Math.max(MAP_HEIGHT, side) };
}

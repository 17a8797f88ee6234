/**
 * How a player looks, from its name alone, so every client draws a player the same way: a colour
 * from the Okabe–Ito palette (chosen to stay distinct under the common colour-vision deficiencies)
 * and a shape, so two players whose colours blur for some viewers still differ in outline. Pure.
 */
import { hashText } from "../server/shared/hash";

export const PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#BBBBBB"] as const;
export const SHAPES = ["circle", "square", "triangle", "diamond", "pentagon", "hexagon"] as const;
export type Shape = (typeof SHAPES)[number];

export interface Look {
  colour: string;
  shape: Shape;
}

/** Colour and shape come from different bits of the hash: the 48 looks are all reachable. */
export function lookOf(name: string): Look {
  const h = hashText(name);
  return { colour: PALETTE[h % PALETTE.length], shape: SHAPES[Math.floor(h / PALETTE.length) % SHAPES.length] };
}

/** Looks by name, computed once per name: a crowd is drawn 60 times a second. */
export class Looks {
  private readonly known = new Map<string, Look>();

  of(name: string): Look {
    let look = this.known.get(name);
    if (!look) {
      // Names come and go with players; a bound keeps a long session's map small.
      if (this.known.size >= LOOK_CACHE_MAX) this.known.clear();
      this.known.set(name, (look = lookOf(name)));
    }
    return look;
  }
}

/** Looks kept before the cache starts over. */
export const LOOK_CACHE_MAX = 4096;

/**
 * How a player looks, from its name, so every client draws a player the same way: a colour from the
 * Okabe–Ito palette (chosen to stay distinct under the common colour-vision deficiencies) and a
 * shape, so two players whose colours blur for some viewers still differ in outline. Pure.
 */
import { hashText } from "../server/shared/hash";

export const PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#BBBBBB"] as const;
export const SHAPES = ["circle", "square", "triangle", "diamond", "pentagon", "hexagon"] as const;
export type Shape = (typeof SHAPES)[number];

export interface Look {
  colour: string;
  shape: Shape;
}

/** Looks there are: every colour in every shape (48). */
export const LOOK_COUNT = PALETTE.length * SHAPES.length;

/** Look number `index` (0 <= index < LOOK_COUNT): colour and shape vary independently. */
export function lookAt(index: number): Look {
  return { colour: PALETTE[index % PALETTE.length], shape: SHAPES[Math.floor(index / PALETTE.length) % SHAPES.length] };
}

/** A name's own look, from its hash: what it gets when no one in the room has it already. */
export function lookOf(name: string): Look {
  return lookAt(hashText(name) % LOOK_COUNT);
}

/** Step from a taken look to the next one tried: coprime with LOOK_COUNT, so every look is reached. */
const LOOK_PROBE_STEP = 7;

/**
 * The looks of one room's players, told apart: each player gets its name's look unless a player
 * who came before has it, then the next free one. The order is the room state's (the same on every
 * client), so every client draws every player alike, and a player's look changes only when it had
 * to give way to someone who has since left. With more players than looks, some repeat.
 */
export class Looks {
  private assigned = new Map<string, Look>();
  private names = "";

  /** The room's player names, oldest first. Cheap when nothing changed (called on every patch). */
  assign(names: readonly string[]): void {
    const key = names.join("\u0000");
    if (key === this.names) return;
    this.names = key;
    this.assigned = new Map();
    const taken = new Set<number>();
    for (const name of names) {
      let index = hashText(name) % LOOK_COUNT;
      for (let tries = 0; tries < LOOK_COUNT && taken.has(index); tries++) index = (index + LOOK_PROBE_STEP) % LOOK_COUNT;
      taken.add(index);
      this.assigned.set(name, lookAt(index));
    }
  }

  /** The look of `name`: its place in the room, or its own look for a name not in the room. */
  of(name: string): Look {
    return this.assigned.get(name) ?? lookOf(name);
  }
}

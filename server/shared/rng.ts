/** Seeded randomness for the pure rules (the rules never call Math.random) and the names it draws. */

/** A generator of floats in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, seeded generator; the same seed gives the same sequence. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME_ADJECTIVES = ["Swift", "Brave", "Quiet", "Lucky", "Bold", "Sly", "Grim", "Keen"];
const NAME_NOUNS = ["Fox", "Wolf", "Hawk", "Bear", "Lynx", "Crow", "Owl", "Toad"];

/** A generated display name such as "SwiftFox42" (at most 16 characters). */
export function generateName(rng: Rng): string {
  const pick = (words: string[]) => words[Math.floor(rng() * words.length)];
  return `${pick(NAME_ADJECTIVES)}${pick(NAME_NOUNS)}${Math.floor(rng() * 100)}`;
}

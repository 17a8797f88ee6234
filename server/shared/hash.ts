/**
 * A stable 32-bit hash of a string, for choices that must come out the same on the server and in
 * every browser (a room's name, a player's look): no randomness, no clock, same in every engine.
 */

/**
 * FNV-1a over the UTF-16 code units, then MurmurHash3's final mix so that the low bits (which pick
 * from short lists) depend on every character.
 */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

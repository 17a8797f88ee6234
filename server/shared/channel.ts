import { BATTLE_CHANNEL_PREFIX, CHANNEL_MAX_CHARS } from "./payloads";

/**
 * The chat channel of a battle room. Room ids are case-sensitive ("aB" and "Ab" are two rooms)
 * and channels are lower-case, so the id is hex-encoded: distinct rooms never share a channel.
 * Colyseus room ids are 9 ASCII characters; an id too long to fit is hashed instead (marked "h").
 */
export function battleChannel(roomId: string): string {
  const hex = [...roomId].map((ch) => ch.codePointAt(0)!.toString(16).padStart(2, "0")).join("");
  const ascii = /^[\x20-\x7e]+$/.test(roomId);
  if (ascii && BATTLE_CHANNEL_PREFIX.length + hex.length <= CHANNEL_MAX_CHARS) return BATTLE_CHANNEL_PREFIX + hex;
  return `${BATTLE_CHANNEL_PREFIX}h${fnv1a(roomId, 0x811c9dc5)}${fnv1a(roomId, 0x01000193)}`;
}

/** 32-bit FNV-1a of the UTF-16 code units, as 8 hex digits. */
function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

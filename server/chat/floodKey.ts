import type { AuthContext } from "@colyseus/core";
import type { Identity } from "../auth/identity";

/**
 * What a member's floods are counted by across its joins: its player id when a token proves it,
 * else its address (a guest's id is new at every join, so it would buy a fresh allowance each time).
 * Colyseus puts X-Real-IP / X-Forwarded-For first in `context.ip`: behind no trusted proxy a client
 * can choose it, so the matchmaking guard must set it from a trusted address.
 */
export function floodKeyOf(identity: Identity, context: AuthContext | undefined): string {
  if (!identity.guest) return `player:${identity.playerId}`;
  const ip = context?.ip;
  const first = Array.isArray(ip) ? ip[0] : ip;
  return `address:${first?.split(",")[0].trim() || "unknown"}`;
}

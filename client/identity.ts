/**
 * Sign-in for auth mode: the token comes in the page address (`?token=…`), is kept for this tab
 * and sent with every join (colyseus.js `client.auth.token`). No token: guest play.
 */
import { AuthRefusal } from "../server/shared/codes";

export const TOKEN_PARAM = "token";
const TOKEN_KEY = "battle.token";

/**
 * The tab's token: taken from `?token=` (then removed from the address bar, so a copied room link
 * never carries it) and kept in sessionStorage, so a reload stays signed in.
 */
export function takeToken(): string | null {
  const url = new URL(location.href);
  const given = url.searchParams.get(TOKEN_PARAM);
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    url.searchParams.delete(TOKEN_PARAM);
    history.replaceState(null, "", url);
  }
  return given || sessionStorage.getItem(TOKEN_KEY);
}

/** What a token claims (`sub`, `name`), for display only: the server verifies it, the client cannot. */
export function tokenClaims(token: string): { sub?: string; name?: string } {
  try {
    const base64 = token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
    const payload: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))));
    if (typeof payload !== "object" || payload === null) return {};
    const { name, sub } = payload as Record<string, unknown>;
    return { sub: typeof sub === "string" ? sub : undefined, name: typeof name === "string" ? name : undefined };
  } catch {
    return {};
  }
}

const AUTH_CODES: ReadonlySet<number> = new Set(Object.values(AuthRefusal));

/** Whether a failed join was refused for its token: retrying with the same token cannot help. */
export function isAuthRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && AUTH_CODES.has(code);
}

import { ServerError } from "@colyseus/core";
import { errors, jwtVerify } from "jose";
import { randomBytes } from "node:crypto";
import type { AuthSettings } from "../config";
import { AuthRefusal } from "../shared/codes";
import { AUTH_CLOCK_TOLERANCE_S, AUTH_TOKEN_MAX_CHARS, PLAYER_ID_MAX_CHARS } from "../shared/limits";
import { parseName } from "../shared/parse";
import type { Logger } from "../telemetry/log";

/** Who a client is, decided at matchmaking; rooms get it as part of `client.auth`. */
export interface Identity {
  /** Stable id: the token's `sub`, or `guest-…` generated for this join (a guest has no other). */
  playerId: string;
  /** Display name from the token's `name` claim, cleaned like any name; absent: the join option decides. */
  verifiedName: string | undefined;
  guest: boolean;
}

/** Random bytes of a guest id (12 base64url characters, 72 bits: never guessed, never repeated). */
const GUEST_ID_BYTES = 9;
export const GUEST_ID_PREFIX = "guest-";

/**
 * The identity behind a join, for a room's static onAuth (before a seat is reserved). Guest mode:
 * any token is ignored and a fresh guest id is made. Auth mode: the token must verify, or the join
 * is refused with a ServerError whose code (AuthRefusal) says why.
 */
export async function identify(token: string | undefined, auth: AuthSettings, log: Logger): Promise<Identity> {
  if (auth.mode === "guest") {
    return { playerId: GUEST_ID_PREFIX + randomBytes(GUEST_ID_BYTES).toString("base64url"), verifiedName: undefined, guest: true };
  }
  if (!token) throw new ServerError(AuthRefusal.missing, "sign in first: this server needs a token to join");
  if (token.length > AUTH_TOKEN_MAX_CHARS) throw new ServerError(AuthRefusal.malformed, "the token is not a valid JWT");
  const payload = await verify(token, auth, log);
  const sub = payload.sub;
  if (typeof sub !== "string" || sub.length === 0 || sub.length > PLAYER_ID_MAX_CHARS) {
    throw new ServerError(AuthRefusal.badClaims, `the token's "sub" must be 1 to ${PLAYER_ID_MAX_CHARS} characters`);
  }
  const name = parseName(payload.name);
  if (!name.ok) throw new ServerError(AuthRefusal.badClaims, `the token's "name" claim is refused: ${name.message}`);
  return { playerId: sub, verifiedName: name.value, guest: false };
}

/** Signature, algorithm, exp (required), nbf, iss and aud by jose; each failure its own refusal. */
async function verify(token: string, auth: Extract<AuthSettings, { mode: "jwt" }>, log: Logger) {
  try {
    const { payload } = await jwtVerify(token, auth.key, {
      algorithms: [auth.algorithm],
      issuer: auth.issuer,
      audience: auth.audience,
      requiredClaims: ["sub", "exp"],
      clockTolerance: AUTH_CLOCK_TOLERANCE_S,
    });
    return payload;
  } catch (error) {
    const refusal = refusalFor(error);
    // Debug only: a flood of bad tokens must not flood the log.
    log.debug({ code: refusal.code, reason: refusal.message, cause: error instanceof Error ? error.message : String(error) }, "token refused");
    throw refusal;
  }
}

function refusalFor(error: unknown): ServerError {
  if (error instanceof errors.JWTExpired) return new ServerError(AuthRefusal.expired, "the token has expired: sign in again");
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "nbf":
        return new ServerError(AuthRefusal.notYetValid, "the token is not valid yet (check the clocks)");
      case "aud":
        return new ServerError(AuthRefusal.wrongAudience, "the token was issued for another audience");
      case "iss":
        return new ServerError(AuthRefusal.wrongIssuer, "the token was issued by an issuer this server does not trust");
      default:
        return new ServerError(AuthRefusal.badClaims, `the token's "${error.claim}" claim is missing or invalid`);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) {
    return new ServerError(AuthRefusal.badSignature, "the token's signature does not verify");
  }
  return new ServerError(AuthRefusal.malformed, "the token is not a valid JWT");
}

/** The player id of a joined client (its sessionId only if it somehow has no identity). */
export function playerIdOf(client: { sessionId: string; auth?: Identity }): string {
  return client.auth?.playerId ?? client.sessionId;
}

/** Join options plus identity, as a room's static onAuth returns them (`client.auth`); the token's name wins. */
export function withIdentity<T extends object>(options: T, identity: Identity): T & Identity {
  const given = "name" in options && typeof options.name === "string" ? options.name : undefined;
  const name = identity.verifiedName ?? given;
  return { ...options, ...identity, ...(name === undefined ? {} : { name }) };
}

/**
 * Mints a token for trying auth mode locally, signed with the server's configured key:
 *   npm run token -- --sub alice --name Alice [--expires-in 3600] [--private-key key.pem]
 * Prints the token on stdout (and a ready link on stderr). docs/security.md "Development tokens".
 */
import { SignJWT } from "jose";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readSettings, type AuthSettings } from "../server/config";

/** Default lifetime of a minted token. */
export const DEV_TOKEN_LIFETIME_S = 3600;

export interface TokenClaims {
  sub: string;
  name?: string;
  /** Seconds from `nowS` until `exp` (negative: already expired). */
  expiresInS?: number;
  /** Seconds from `nowS` until `nbf`; absent: no `nbf`. */
  notBeforeInS?: number;
  audience?: string;
  issuer?: string;
  nowS?: number;
}

/** A JWT with `sub`, optional `name`, `iat`, `exp` and optional `nbf`, `aud`, `iss`. */
export async function mintToken(key: KeyObject, algorithm: string, claims: TokenClaims): Promise<string> {
  const now = claims.nowS ?? Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims.name === undefined ? {} : { name: claims.name })
    .setProtectedHeader({ alg: algorithm, typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInS ?? DEV_TOKEN_LIFETIME_S));
  if (claims.notBeforeInS !== undefined) jwt.setNotBefore(now + claims.notBeforeInS);
  if (claims.audience !== undefined) jwt.setAudience(claims.audience);
  if (claims.issuer !== undefined) jwt.setIssuer(claims.issuer);
  return jwt.sign(key);
}

/** The signing key: the shared secret (HS256), or the private key of the configured public key. */
function signingKey(auth: Extract<AuthSettings, { mode: "jwt" }>, privateKeyPath: string | undefined): KeyObject {
  if (auth.algorithm === "HS256") return auth.key;
  if (!privateKeyPath) throw new Error(`${auth.algorithm} mode: pass --private-key <PEM file> matching AUTH_JWT_PUBLIC_KEY`);
  return createPrivateKey(readFileSync(privateKeyPath));
}

/** Like @colyseus/tools at server start: `.env.<NODE_ENV>` or `.env`, without overriding set variables. */
function loadEnvFile(): void {
  const candidates = process.env.NODE_ENV ? [`.env.${process.env.NODE_ENV}`, ".env"] : [".env"];
  const file = candidates.find((path) => existsSync(path));
  if (file) process.loadEnvFile(file);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: "string" },
      name: { type: "string" },
      "expires-in": { type: "string", default: String(DEV_TOKEN_LIFETIME_S) },
      "private-key": { type: "string" },
    },
    strict: true,
  });
  if (!values.sub) throw new Error("--sub <player id> is required");
  const expiresInS = Number(values["expires-in"]);
  if (!Number.isInteger(expiresInS) || expiresInS <= 0) throw new Error("--expires-in must be a whole number of seconds above 0");
  loadEnvFile();
  const { auth, port } = readSettings(process.env);
  if (auth.mode !== "jwt") throw new Error("auth is off: set AUTH_JWT_SECRET (or AUTH_JWT_PUBLIC_KEY) first");
  const token = await mintToken(signingKey(auth, values["private-key"]), auth.algorithm, {
    sub: values.sub,
    name: values.name,
    expiresInS,
    audience: auth.audience,
    issuer: auth.issuer,
  });
  process.stdout.write(`${token}\n`);
  process.stderr.write(`play as ${values.sub}: http://localhost:${port}/?token=${token}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

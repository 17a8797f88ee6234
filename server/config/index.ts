import { createPublicKey, createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { EnvVarError, from } from "env-var";
import { ConfigError } from "./error";
import { parseAllowedOrigins, type AllowedOrigins } from "./origins";
import { readLimits, type ServerLimits } from "./serverLimits";
import { readScalingConfig, type ScalingConfig } from "./scaling";
import { readChatHistoryBounds, type ChatHistoryBounds } from "./chat";
import { readEdge, type EdgeSettings } from "./edge";
import { readRegions, type RegionSettings } from "./regions";
import { readTracing, type TracingSettings } from "./tracing";
import { BOTS_FILL_TO_DEFAULT, BOTS_FILL_TO_MAX } from "../shared/tuning";

export { ConfigError };

/**
 * The server's whole configuration, read from environment variables in this one place.
 * docs/operating.md lists every variable with its default.
 */

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_FORMAT: `auto` is readable lines at a terminal and JSON anywhere else (server/telemetry/log.ts). */
export const LOG_FORMATS = ["auto", "json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const DEFAULT_PORT = 2567;
export const DEFAULT_LOG_LEVEL: LogLevel = "info";
export const DEFAULT_ADMIN_USER = "admin";
/** A set ADMIN_PASSWORD shorter than this is refused: the panel can call any room method. */
export const ADMIN_PASSWORD_MIN_CHARS = 12;
/** Random bytes of a generated admin password (24 base64url characters). */
const GENERATED_PASSWORD_BYTES = 18;
/** How long players are warned before their room closes on shutdown. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;
/** The process exits (code 1) at this point after the first signal, whatever is still running. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 15000;
/** DRAIN_TIMEOUT_S default and bounds: how long a draining process lets its battles run before the shutdown notice. */
export const DEFAULT_DRAIN_TIMEOUT_S = 300;
export const DRAIN_TIMEOUT_MAX_S = 3600;
/** RATE_LIMIT_SCALE bounds: from a tenth of the limits to a thousand times them. */
export const RATE_LIMIT_SCALE_MIN = 0.1;
export const RATE_LIMIT_SCALE_MAX = 1000;
/** INTEREST_MANAGEMENT default: on, as shared cell views cost less than sending everyone everything (docs/netcode.md). */
export const DEFAULT_INTEREST_MANAGEMENT = true;
/** CHAT_RETENTION_S default and bounds: a chat line is deleted this long after it was said (docs/operating.md). */
export const DEFAULT_CHAT_RETENTION_S = 30 * 24 * 3600;
export const CHAT_RETENTION_MAX_S = 365 * 24 * 3600;

/** Shortest AUTH_JWT_SECRET accepted: HS256 wants a key at least as long as its 256-bit hash. */
export const AUTH_SECRET_MIN_BYTES = 32;
/** Smallest RSA key jose verifies RS256 with. */
export const RSA_MIN_BITS = 2048;

/** Who may play: anyone with a chosen name, or holders of a token signed with `key`. */
export type AuthSettings =
  | { mode: "guest" }
  | { mode: "jwt"; key: KeyObject; algorithm: "HS256" | "RS256" | "ES256"; issuer?: string; audience?: string };

export interface Settings {
  port: number;
  /** NODE_ENV=production: no generated admin password, no source maps served. */
  production: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
  adminUser: string;
  adminPassword: string;
  /** True when ADMIN_PASSWORD was not set and `adminPassword` was generated for this run. */
  adminPasswordGenerated: boolean;
  shutdownGraceMs: number;
  shutdownTimeoutMs: number;
  /** DRAIN_TIMEOUT_S: a draining process's battles run until empty or this long, then get the shutdown notice. */
  drainTimeoutS: number;
  /** REDIS_URL and PUBLIC_ADDRESS (server/config/scaling.ts). */
  scaling: ScalingConfig;
  /** ALLOWED_ORIGINS (./origins.ts). */
  allowedOrigins: AllowedOrigins;
  /** RATE_LIMIT_SCALE: multiplies every per-client message rate and burst (load tests, test rigs). */
  rateLimitScale: number;
  auth: AuthSettings;
  /** BOTS_FILL_TO: a battle with fewer players gets server-side bots up to this many fighters (0: none). */
  botsFillTo: number;
  /** INTEREST_MANAGEMENT: on an arena too big to show whole, battle clients get positions of players in the cells around theirs only. */
  interestManagement: boolean;
  /** CHAT_HISTORY_LINES, CHAT_HISTORY_LINE_BYTES, CHAT_HISTORY_CHANNELS (server/config/chat.ts). */
  chatHistory: ChatHistoryBounds;
  /** CHAT_RETENTION_S: how long chat lines are kept, in memory and in Redis (server/chat/retention.ts). */
  chatRetentionS: number;
  /** Per-address, per-identity and per-process limits, TRUSTED_PROXY, and what may wait to be sent to a client (./serverLimits.ts). */
  limits: ServerLimits;
  /** REGION, REGIONS and CHAT_REDIS_URL (./regions.ts). */
  regions: RegionSettings;
  /** TLS_CERT_FILE, TLS_KEY_FILE and PUBLIC_ASSET_BASE (./edge.ts). */
  edge: EdgeSettings;
  /** OTEL_*: where spans go, or undefined when tracing is off (./tracing.ts). */
  tracing: TracingSettings | undefined;
  /** TRANSPORT_FALLBACK: serve engine.io long polling under /eio for clients whose network refuses WebSockets. */
  transportFallback: boolean;
}


/** Parses `env`; an empty variable counts as unset. Throws ConfigError naming the first bad variable. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const vars = from(set);
  try {
    const port = vars.get("PORT").default(String(DEFAULT_PORT)).asPortNumber();
    const logLevel = vars.get("LOG_LEVEL").default(DEFAULT_LOG_LEVEL).asEnum(LOG_LEVELS);
    const logFormat = vars.get("LOG_FORMAT").default("auto").asEnum(LOG_FORMATS);
    const adminUser = vars.get("ADMIN_USER").default(DEFAULT_ADMIN_USER).asString();
    if (adminUser.includes(":")) throw new ConfigError('"ADMIN_USER" must not contain ":"');
    const givenPassword = vars.get("ADMIN_PASSWORD").asString();
    const production = set.NODE_ENV === "production";
    // A generated password would have to be logged to be usable: in production it must be chosen.
    if (production && givenPassword === undefined) throw new ConfigError('"ADMIN_PASSWORD" must be set when NODE_ENV=production');
    if (givenPassword !== undefined && [...givenPassword].length < ADMIN_PASSWORD_MIN_CHARS) {
      throw new ConfigError(`"ADMIN_PASSWORD" must be at least ${ADMIN_PASSWORD_MIN_CHARS} characters (or unset to generate one)`);
    }
    const rateLimitScale = vars.get("RATE_LIMIT_SCALE").default("1").asFloatPositive();
    if (rateLimitScale < RATE_LIMIT_SCALE_MIN || rateLimitScale > RATE_LIMIT_SCALE_MAX) {
      throw new ConfigError(`"RATE_LIMIT_SCALE" must be from ${RATE_LIMIT_SCALE_MIN} to ${RATE_LIMIT_SCALE_MAX}`);
    }
    const botsFillTo = vars.get("BOTS_FILL_TO").default(String(BOTS_FILL_TO_DEFAULT)).asIntPositive();
    if (botsFillTo > BOTS_FILL_TO_MAX) throw new ConfigError(`"BOTS_FILL_TO" must be from 0 to ${BOTS_FILL_TO_MAX}`);
    const interestManagement = vars.get("INTEREST_MANAGEMENT").default(String(DEFAULT_INTEREST_MANAGEMENT)).asBoolStrict();
    const shutdownGraceMs = vars.get("SHUTDOWN_GRACE_MS").default(String(DEFAULT_SHUTDOWN_GRACE_MS)).asIntPositive();
    const shutdownTimeoutMs = vars.get("SHUTDOWN_TIMEOUT_MS").default(String(DEFAULT_SHUTDOWN_TIMEOUT_MS)).asIntPositive();
    if (shutdownTimeoutMs <= shutdownGraceMs) {
      throw new ConfigError(`"SHUTDOWN_TIMEOUT_MS" must be larger than SHUTDOWN_GRACE_MS (${shutdownGraceMs})`);
    }
    const drainTimeoutS = vars.get("DRAIN_TIMEOUT_S").default(String(DEFAULT_DRAIN_TIMEOUT_S)).asIntPositive();
    if (drainTimeoutS < 1 || drainTimeoutS > DRAIN_TIMEOUT_MAX_S) throw new ConfigError(`"DRAIN_TIMEOUT_S" must be from 1 to ${DRAIN_TIMEOUT_MAX_S}`);
    const chatRetentionS = vars.get("CHAT_RETENTION_S").default(String(DEFAULT_CHAT_RETENTION_S)).asIntPositive();
    if (chatRetentionS < 1 || chatRetentionS > CHAT_RETENTION_MAX_S) {
      throw new ConfigError(`"CHAT_RETENTION_S" must be from 1 to ${CHAT_RETENTION_MAX_S} (365 days)`);
    }
    const transportFallback = vars.get("TRANSPORT_FALLBACK").default("true").asBoolStrict();
    const auth = readAuth(vars);
    const scaling = readScalingConfig(env);
    return {
      port,
      production,
      logLevel,
      logFormat,
      adminUser,
      adminPassword: givenPassword ?? randomBytes(GENERATED_PASSWORD_BYTES).toString("base64url"),
      adminPasswordGenerated: givenPassword === undefined,
      shutdownGraceMs,
      shutdownTimeoutMs,
      drainTimeoutS,
      scaling,
      allowedOrigins: readAllowedOrigins(env.ALLOWED_ORIGINS),
      rateLimitScale,
      auth,
      interestManagement,
      botsFillTo,
      chatHistory: readChatHistoryBounds(set as Record<string, string>),
      chatRetentionS,
      limits: readLimits(vars, set.TRUSTED_PROXY),
      regions: readRegions(set, scaling.mode === "redis" ? scaling.redisUrl : undefined, production),
      edge: readEdge(set),
      tracing: readTracing(set as Record<string, string>),
      transportFallback,
    };
  } catch (error) {
    if (error instanceof EnvVarError) throw new ConfigError(error.message.replace(/^env-var: /, ""));
    throw error;
  }
}

function readAllowedOrigins(value: string | undefined): AllowedOrigins {
  try {
    return parseAllowedOrigins(value);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

/** AUTH_JWT_SECRET (HS256) or AUTH_JWT_PUBLIC_KEY (RS256/ES256, PEM), with optional issuer and audience. */
function readAuth(vars: { get(name: string): { asString(): string | undefined } }): AuthSettings {
  const secret = vars.get("AUTH_JWT_SECRET").asString();
  const publicPem = vars.get("AUTH_JWT_PUBLIC_KEY").asString();
  const issuer = vars.get("AUTH_JWT_ISSUER").asString();
  const audience = vars.get("AUTH_JWT_AUDIENCE").asString();
  if (secret !== undefined && publicPem !== undefined) {
    throw new ConfigError('"AUTH_JWT_SECRET" and "AUTH_JWT_PUBLIC_KEY" are both set: set one of them');
  }
  if (secret !== undefined) {
    if (Buffer.byteLength(secret) < AUTH_SECRET_MIN_BYTES) {
      throw new ConfigError(`"AUTH_JWT_SECRET" must be at least ${AUTH_SECRET_MIN_BYTES} bytes`);
    }
    return { mode: "jwt", key: createSecretKey(Buffer.from(secret)), algorithm: "HS256", issuer, audience };
  }
  if (publicPem !== undefined) {
    const { key, algorithm } = readPublicKey(publicPem);
    return { mode: "jwt", key, algorithm, issuer, audience };
  }
  if (issuer !== undefined || audience !== undefined) {
    throw new ConfigError('"AUTH_JWT_ISSUER" and "AUTH_JWT_AUDIENCE" need "AUTH_JWT_SECRET" or "AUTH_JWT_PUBLIC_KEY"');
  }
  return { mode: "guest" };
}

/** An RSA key (RS256) or a P-256 key (ES256) in PEM; `\n` escapes count as line breaks (one-line .env files). */
function readPublicKey(pem: string): { key: KeyObject; algorithm: "RS256" | "ES256" } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem.replace(/\\n/g, "\n"));
  } catch {
    throw new ConfigError('"AUTH_JWT_PUBLIC_KEY" is not a PEM public key');
  }
  if (key.asymmetricKeyType === "rsa") {
    // jose refuses RS256 keys under 2048 bits at verification: every join would fail, quietly.
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < RSA_MIN_BITS) {
      throw new ConfigError(`"AUTH_JWT_PUBLIC_KEY" is an RSA key under ${RSA_MIN_BITS} bits`);
    }
    return { key, algorithm: "RS256" };
  }
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return { key, algorithm: "ES256" };
  throw new ConfigError('"AUTH_JWT_PUBLIC_KEY" must be an RSA key (RS256) or a P-256 EC key (ES256)');
}

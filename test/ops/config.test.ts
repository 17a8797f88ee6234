import assert from "node:assert/strict";
import { DEFAULT_OUTGOING_LIMITS, DEFAULT_WIRE_BUDGET } from "../../server/config/serverLimits";
import { generateKeyPairSync } from "node:crypto";
import {
  ADMIN_PASSWORD_MIN_CHARS,
  AUTH_SECRET_MIN_BYTES,
  CHAT_RETENTION_MAX_S,
  ConfigError,
  DRAIN_TIMEOUT_MAX_S,
  DEFAULT_CHAT_RETENTION_S,
  DEFAULT_DRAIN_TIMEOUT_S,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  readSettings,
} from "../../server/config";
import {
  BOTS_FILL_TO_DEFAULT,
  CHAT_CHANNELS_PER_ADDRESS,
  MATCHMAKE_PER_ADDRESS_PER_S,
  MAX_OPEN_SOCKETS,
  MAX_BOTS_PER_PROCESS,
  MAX_ROOMS_PER_PROCESS,
  MAX_SOCKETS_PER_ADDRESS,
  ROOMS_PER_ADDRESS,
  ROOMS_PER_IDENTITY,
} from "../../server/shared/protocol";

/** The ConfigError `env` causes; fails when it parses. */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    readSettings(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

const spki = { type: "spki", format: "pem" } as const;
const rsaPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export(spki).toString();
const ecPem = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export(spki).toString();
const ed25519Pem = generateKeyPairSync("ed25519").publicKey.export(spki).toString();
const rsa1024Pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export(spki).toString();

describe("configuration from environment variables", () => {
  it("has a default for every variable and generates a strong admin password when none is set", () => {
    const { allowedOrigins, ...a } = readSettings({});
    assert.equal(allowedOrigins.describe, "*", "every origin");
    assert.deepEqual({ ...a, adminPassword: "" }, {
      port: DEFAULT_PORT,
      production: false,
      logLevel: "info",
      logFormat: "auto",
      adminUser: "admin",
      adminPassword: "",
      adminPasswordGenerated: true,
      shutdownGraceMs: DEFAULT_SHUTDOWN_GRACE_MS,
      shutdownTimeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS,
      drainTimeoutS: DEFAULT_DRAIN_TIMEOUT_S,
      transportFallback: true,
      scaling: { mode: "single" },
      rateLimitScale: 1,
      auth: { mode: "guest" },
      interestManagement: true,
      botsFillTo: BOTS_FILL_TO_DEFAULT,
      chatHistory: { lines: 200, lineBytes: 2048, channels: 1000 },
      chatRetentionS: DEFAULT_CHAT_RETENTION_S,
      limits: {
        maxSockets: MAX_OPEN_SOCKETS,
        maxHttpConnections: 2000,
        httpConnectionsPerAddress: 32,
        socketsPerAddress: MAX_SOCKETS_PER_ADDRESS,
        matchmakePerSecond: MATCHMAKE_PER_ADDRESS_PER_S,
        matchmakeBurst: 2 * MATCHMAKE_PER_ADDRESS_PER_S,
        roomsPerAddress: ROOMS_PER_ADDRESS,
        roomsPerIdentity: ROOMS_PER_IDENTITY,
        maxRooms: MAX_ROOMS_PER_PROCESS,
        maxBots: MAX_BOTS_PER_PROCESS,
        chatChannelsPerAddress: CHAT_CHANNELS_PER_ADDRESS,
        unackedSocketsPerAddress: 8,
        seatReservationsPerAddress: 8,
        trustedProxies: new Set(),
        ipv6PrefixBits: 64,
        outgoing: DEFAULT_OUTGOING_LIMITS,
        wire: DEFAULT_WIRE_BUDGET,
      },
      regions: { here: undefined, list: [], chatRedisUrl: undefined },
      edge: { tls: undefined, assetBase: undefined },
      tracing: undefined,
    });
    assert.match(a.adminPassword, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(readSettings({}).adminPassword, a.adminPassword, "a fresh password every start");
  });

  it("reads every variable", () => {
    const { allowedOrigins, ...s } = readSettings({
      ALLOWED_ORIGINS: "https://play.example.com",
      REDIS_URL: "redis://127.0.0.1:6379/3",
      PUBLIC_ADDRESS: "127.0.0.1:3000",
      PORT: "3000",
      RATE_LIMIT_SCALE: "2.5",
      LOG_LEVEL: "debug",
      ADMIN_USER: "ops",
      ADMIN_PASSWORD: "correct horse battery",
      SHUTDOWN_GRACE_MS: "0",
      SHUTDOWN_TIMEOUT_MS: "2000",
      DRAIN_TIMEOUT_S: "45",
      INTEREST_MANAGEMENT: "false",
      BOTS_FILL_TO: "0",
      CHAT_HISTORY_LINES: "50",
      CHAT_HISTORY_LINE_BYTES: "1024",
      CHAT_HISTORY_CHANNELS: "10",
      LOG_FORMAT: "json",
      CHAT_RETENTION_S: "3600",
      NODE_ENV: "production",
      MAX_SOCKETS: "100",
      MAX_SOCKETS_PER_ADDRESS: "5",
      MATCHMAKE_PER_ADDRESS_PER_S: "3",
      ROOMS_PER_ADDRESS: "4",
      ROOMS_PER_IDENTITY: "2",
      MAX_ROOMS: "50",
      CHAT_CHANNELS_PER_ADDRESS: "6",
      TRUSTED_PROXY: "10.0.0.1, ::ffff:10.0.0.2,fd00::1",
      IPV6_PREFIX_BITS: "56",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "game-eu",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_BSP_SCHEDULE_DELAY: "1000",
      OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=k%3D1, x-team=ops",
    });
    assert.deepEqual(s, {
      port: 3000,
      production: true,
      logLevel: "debug",
      logFormat: "json",
      adminUser: "ops",
      adminPassword: "correct horse battery",
      adminPasswordGenerated: false,
      shutdownGraceMs: 0,
      shutdownTimeoutMs: 2000,
      drainTimeoutS: 45,
      transportFallback: true,
      scaling: { mode: "redis", redisUrl: "redis://127.0.0.1:6379/3", publicAddress: "127.0.0.1:3000" },
      rateLimitScale: 2.5,
      auth: { mode: "guest" },
      interestManagement: false,
      botsFillTo: 0,
      chatHistory: { lines: 50, lineBytes: 1024, channels: 10 },
      chatRetentionS: 3600,
      limits: {
        maxSockets: 100,
        maxHttpConnections: 2000,
        httpConnectionsPerAddress: 32,
        socketsPerAddress: 5,
        matchmakePerSecond: 3,
        matchmakeBurst: 6,
        roomsPerAddress: 4,
        roomsPerIdentity: 2,
        maxRooms: 50,
        maxBots: MAX_BOTS_PER_PROCESS,
        chatChannelsPerAddress: 6,
        unackedSocketsPerAddress: 8,
        seatReservationsPerAddress: 8,
        trustedProxies: new Set(["10.0.0.1", "10.0.0.2", "fd00::1"]),
        ipv6PrefixBits: 56,
        outgoing: DEFAULT_OUTGOING_LIMITS,
        wire: DEFAULT_WIRE_BUDGET,
      },
      // REDIS_URL holds the chat too when CHAT_REDIS_URL is unset (test/ops/regionsConfig.test.ts has the rest).
      regions: { here: undefined, list: [], chatRedisUrl: "redis://127.0.0.1:6379/3" },
      edge: { tls: undefined, assetBase: undefined },
      tracing: { tracesUrl: "http://collector:4318/v1/traces", headers: { "x-api-key": "k=1", "x-team": "ops" }, serviceName: "game-eu", sampler: "parentbased_traceidratio", ratio: 0.25, exportDelayMs: 1000 },
    });
    assert.equal(allowedOrigins.describe, "https://play.example.com");
  });

  it("leaves tracing off without OTEL_EXPORTER_OTLP_ENDPOINT, or with OTEL_SDK_DISABLED=true", () => {
    assert.equal(readSettings({ OTEL_SERVICE_NAME: "game" }).tracing, undefined);
    assert.equal(readSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }).tracing, undefined);
    assert.equal(readSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).tracing?.sampler, "parentbased_always_on");
  });

  it("treats an empty variable as unset", () => {
    assert.equal(readSettings({ PORT: "", ADMIN_PASSWORD: "" }).port, DEFAULT_PORT);
    assert.equal(readSettings({ ADMIN_PASSWORD: "" }).adminPasswordGenerated, true);
  });

  it("reads auth settings: HS256 from a secret, RS256 or ES256 from a PEM public key (one line with \\n works), issuer and audience", () => {
    const secret = readSettings({ AUTH_JWT_SECRET: "s".repeat(AUTH_SECRET_MIN_BYTES), AUTH_JWT_AUDIENCE: "game", AUTH_JWT_ISSUER: "https://id" }).auth;
    assert.equal(secret.mode, "jwt");
    assert.deepEqual(secret.mode === "jwt" && [secret.algorithm, secret.audience, secret.issuer, secret.key.type], ["HS256", "game", "https://id", "secret"]);
    const rsa = readSettings({ AUTH_JWT_PUBLIC_KEY: rsaPem.replace(/\n/g, "\\n") }).auth;
    assert.deepEqual(rsa.mode === "jwt" && [rsa.algorithm, rsa.key.asymmetricKeyType, rsa.audience], ["RS256", "rsa", undefined]);
    const ec = readSettings({ AUTH_JWT_PUBLIC_KEY: ecPem }).auth;
    assert.equal(ec.mode === "jwt" && ec.algorithm, "ES256");
  });

  const bad: Array<[string, NodeJS.ProcessEnv]> = [
    ["PORT", { PORT: "abc" }],
    ["PORT", { PORT: "70000" }],
    ["PORT", { PORT: "80.5" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["LOG_FORMAT", { LOG_FORMAT: "text" }],
    ["CHAT_RETENTION_S", { CHAT_RETENTION_S: "0" }],
    ["CHAT_RETENTION_S", { CHAT_RETENTION_S: String(CHAT_RETENTION_MAX_S + 1) }],
    ["ADMIN_USER", { ADMIN_USER: "a:b" }],
    ["ADMIN_PASSWORD", { ADMIN_PASSWORD: "x".repeat(ADMIN_PASSWORD_MIN_CHARS - 1) }],
    ["SHUTDOWN_GRACE_MS", { SHUTDOWN_GRACE_MS: "-1" }],
    ["SHUTDOWN_TIMEOUT_MS", { SHUTDOWN_TIMEOUT_MS: "soon" }],
    ["DRAIN_TIMEOUT_S", { DRAIN_TIMEOUT_S: "0" }],
    ["DRAIN_TIMEOUT_S", { DRAIN_TIMEOUT_S: String(DRAIN_TIMEOUT_MAX_S + 1) }],
    ["SHUTDOWN_TIMEOUT_MS", { SHUTDOWN_GRACE_MS: "5000", SHUTDOWN_TIMEOUT_MS: "5000" }],
    ["REDIS_URL", { REDIS_URL: "http://127.0.0.1:6379", PUBLIC_ADDRESS: "127.0.0.1:2567" }],
    ["PUBLIC_ADDRESS", { REDIS_URL: "redis://127.0.0.1:6379" }],
    ["PUBLIC_ADDRESS", { REDIS_URL: "redis://127.0.0.1:6379", PUBLIC_ADDRESS: "ws://host:1" }],
    ["ALLOWED_ORIGINS", { ALLOWED_ORIGINS: "https://example.com/game" }],
    ["RATE_LIMIT_SCALE", { RATE_LIMIT_SCALE: "fast" }],
    ["RATE_LIMIT_SCALE", { RATE_LIMIT_SCALE: "5000" }],
    ["AUTH_JWT_SECRET", { AUTH_JWT_SECRET: "x".repeat(AUTH_SECRET_MIN_BYTES - 1) }],
    ["AUTH_JWT_PUBLIC_KEY", { AUTH_JWT_PUBLIC_KEY: "not a key" }],
    ["AUTH_JWT_PUBLIC_KEY", { AUTH_JWT_PUBLIC_KEY: ed25519Pem }],
    ["AUTH_JWT_PUBLIC_KEY", { AUTH_JWT_PUBLIC_KEY: rsa1024Pem }],
    ["AUTH_JWT_SECRET", { AUTH_JWT_SECRET: "x".repeat(AUTH_SECRET_MIN_BYTES), AUTH_JWT_PUBLIC_KEY: rsaPem }],
    ["AUTH_JWT_ISSUER", { AUTH_JWT_ISSUER: "https://id.example.com" }],
    ["INTEREST_MANAGEMENT", { INTEREST_MANAGEMENT: "yes" }],
    ["BOTS_FILL_TO", { BOTS_FILL_TO: "17" }],
    ["BOTS_FILL_TO", { BOTS_FILL_TO: "-1" }],
    ["BOTS_FILL_TO", { BOTS_FILL_TO: "some" }],
    ["CHAT_HISTORY_LINES", { CHAT_HISTORY_LINES: "0" }],
    ["CHAT_HISTORY_LINE_BYTES", { CHAT_HISTORY_LINE_BYTES: "100" }],
    ["CHAT_HISTORY_CHANNELS", { CHAT_HISTORY_CHANNELS: "many" }],
    ["ADMIN_PASSWORD", { NODE_ENV: "production" }],
    ["TRUSTED_PROXY", { TRUSTED_PROXY: "proxy.internal" }],
    ["TRUSTED_PROXY", { TRUSTED_PROXY: "10.0.0.1,10.0.0.0/8" }],
    ["MAX_SOCKETS_PER_ADDRESS", { MAX_SOCKETS_PER_ADDRESS: "0" }],
    ["MATCHMAKE_PER_ADDRESS_PER_S", { MATCHMAKE_PER_ADDRESS_PER_S: "lots" }],
    ["ROOMS_PER_ADDRESS", { ROOMS_PER_ADDRESS: "-1" }],
    ["ROOMS_PER_IDENTITY", { ROOMS_PER_IDENTITY: "1.5" }],
    ["MAX_ROOMS", { MAX_ROOMS: "x" }],
    ["CHAT_CHANNELS_PER_ADDRESS", { CHAT_CHANNELS_PER_ADDRESS: "0" }],
    ["MAX_SOCKETS", { MAX_SOCKETS: "none" }],
    ["OTEL_EXPORTER_OTLP_PROTOCOL", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" }],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", { OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://collector" }],
    ["OTEL_TRACES_SAMPLER", { OTEL_TRACES_SAMPLER: "sometimes" }],
    ["OTEL_TRACES_SAMPLER_ARG", { OTEL_TRACES_SAMPLER_ARG: "2" }],
    ["OTEL_BSP_SCHEDULE_DELAY", { OTEL_BSP_SCHEDULE_DELAY: "soon" }],
    ["OTEL_EXPORTER_OTLP_HEADERS", { OTEL_EXPORTER_OTLP_HEADERS: "no-value" }],
  ];
  for (const [name, env] of bad) {
    it(`refuses ${JSON.stringify(env)} with one line naming ${name}`, () => {
      const { message } = refusal(env);
      assert.match(message, new RegExp(`^"?${name}"?[ :]`));
      assert.ok(!message.includes("\n"), message);
    });
  }
});

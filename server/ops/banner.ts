import { matchMaker, type Server } from "@colyseus/core";
import type { AddressInfo } from "node:net";
import { styleText } from "node:util";
import type { Settings } from "../config";
import { redactUrl } from "../config/redact";
import type { AppContext } from "../context";
import {
  BATTLE_DEFAULT_MAX_PLAYERS,
  BATTLE_MAX_PLAYERS_LIMIT,
  CHAT_HISTORY_KEEP,
  CHAT_MAX_MEMBERS,
  MAX_JOIN_OPTIONS_BYTES,
  MAX_MESSAGE_BYTES,
  RATE_LIMITS,
  SEAT_RESERVATION_S,
} from "../shared/protocol";
import { unencryptedInProduction } from "../security/transport";
import { pickLogOutput, type LogOutput } from "../telemetry/log";
import { OpsPath } from "./http";

/**
 * What an operator wants to see once the server listens (docs/operating.md "Start banner"). In JSON
 * logs these are the fields of the `listening` line; the admin password is never one of them.
 */
export interface StartFacts {
  port: number;
  gameUrl: string;
  monitorUrl: string;
  /** The moderation console (server/ops/moderation/). */
  consoleUrl: string;
  adminUser: string;
  /** Where the admin password comes from: "ADMIN_PASSWORD" or "generated". */
  adminPasswordFrom: "ADMIN_PASSWORD" | "generated";
  presence: string;
  driver: string;
  /** The shared Redis without its credentials, with REDIS_URL. */
  redis?: string;
  publicAddress?: string;
  /** REGION, with the REGIONS ids, when set. */
  region?: { here: string; all: string[] };
  /** The chat Redis without its credentials, when it is not REDIS_URL. */
  chatRedis?: string;
  /** "TLS_CERT_FILE" (https here), "proxy" (TRUSTED_PROXY named), or "off". */
  tls: "TLS_CERT_FILE" | "proxy" | "off";
  /** NODE_ENV=production with tls "off": players' traffic is unencrypted. */
  unencrypted: boolean;
  auth: string;
  log: { level: string; format: string };
  /** Where spans go (without credentials), sampled how, as which service; absent when tracing is off. */
  tracing?: { url: string; sampler: string; service: string };
  limits: {
    battlePlayers: { default: number; max: number };
    chatMembers: number;
    /** Per client and message type, RATE_LIMIT_SCALE applied. */
    ratesPerSecond: Record<string, number>;
    messageBytes: number;
    joinOptionsBytes: number;
    sockets: number;
    seatReservationS: number;
    chatLinesPerChannel: number;
    chatRetentionS: number;
    interestManagement: boolean;
  };
}


export function startFacts(settings: Settings, port: number, presence: string, driver: string, logOutput: LogOutput): StartFacts {
  const gameUrl = `${settings.edge.tls ? "https" : "http"}://localhost:${port}/`;
  const scaling = settings.scaling;
  const { regions } = settings;
  const regionalUrl = scaling.mode === "redis" ? scaling.redisUrl : undefined;
  return {
    port,
    gameUrl,
    monitorUrl: `${gameUrl}${OpsPath.monitor.slice(1)}/`,
    consoleUrl: `${gameUrl}${OpsPath.admin.slice(1)}/`,
    adminUser: settings.adminUser,
    adminPasswordFrom: settings.adminPasswordGenerated ? "generated" : "ADMIN_PASSWORD",
    presence,
    driver,
    ...(scaling.mode === "redis" ? { redis: redactUrl(scaling.redisUrl), publicAddress: scaling.publicAddress } : {}),
    ...(regions.here !== undefined ? { region: { here: regions.here, all: regions.list.map((region) => region.id) } } : {}),
    ...(regions.chatRedisUrl !== undefined && regions.chatRedisUrl !== regionalUrl ? { chatRedis: redactUrl(regions.chatRedisUrl) } : {}),
    tls: settings.edge.tls ? "TLS_CERT_FILE" : settings.limits.trustedProxies.size > 0 ? "proxy" : "off",
    unencrypted: unencryptedInProduction(settings),
    auth: settings.auth.mode === "jwt" ? `jwt ${settings.auth.algorithm}` : "guests",
    log: { level: settings.logLevel, format: logOutput },
    ...(settings.tracing ? { tracing: { url: redactUrl(settings.tracing.tracesUrl), sampler: tracingSampler(settings.tracing), service: settings.tracing.serviceName } } : {}),
    limits: {
      battlePlayers: { default: BATTLE_DEFAULT_MAX_PLAYERS, max: BATTLE_MAX_PLAYERS_LIMIT },
      chatMembers: CHAT_MAX_MEMBERS,
      ratesPerSecond: Object.fromEntries(Object.entries(RATE_LIMITS).map(([type, { perSecond }]) => [type, perSecond * settings.rateLimitScale])),
      messageBytes: MAX_MESSAGE_BYTES,
      joinOptionsBytes: MAX_JOIN_OPTIONS_BYTES,
      sockets: settings.limits.maxSockets,
      seatReservationS: SEAT_RESERVATION_S,
      chatLinesPerChannel: CHAT_HISTORY_KEEP,
      chatRetentionS: settings.chatRetentionS,
      interestManagement: settings.interestManagement,
    },
  };
}

/** `parentbased_traceidratio 0.1`: the sampler, with its ratio where it has one. */
function tracingSampler({ sampler, ratio }: NonNullable<Settings["tracing"]>): string {
  return sampler.endsWith("traceidratio") ? `${sampler} ${ratio}` : sampler;
}

function tlsLine(facts: StartFacts): string {
  if (facts.tls === "TLS_CERT_FILE") return "https and wss here (TLS_CERT_FILE)";
  if (facts.tls === "proxy") return "terminated by the proxy in TRUSTED_PROXY";
  if (facts.unencrypted) return "WARNING: traffic is unencrypted: set TLS_CERT_FILE and TLS_KEY_FILE, or a TLS proxy in TRUSTED_PROXY";
  return "off (http and ws; development)";
}

/** `2592000` → `30 d`, `90` → `90 s`: the largest whole unit. */
function duration(seconds: number): string {
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60]] as const) {
    if (seconds % size === 0) return `${seconds / size} ${unit}`;
  }
  return `${seconds} s`;
}

/**
 * The banner's lines. `password` is the generated admin password to show, or undefined to hide it
 * (always with NODE_ENV=production); `color` styles the labels for a terminal.
 */
export function bannerText(facts: StartFacts, password: string | undefined, color: boolean): string {
  const label = (text: string) => (color ? styleText("cyan", text.padEnd(10)) : text.padEnd(10));
  const strong = (text: string) => (color ? styleText("bold", text) : text);
  const { limits } = facts;
  const passwordLine =
    facts.adminPasswordFrom === "ADMIN_PASSWORD"
      ? "from ADMIN_PASSWORD"
      : password === undefined
        ? "generated for this run, not shown (NODE_ENV=production): set ADMIN_PASSWORD"
        : `generated for this run: ${strong(password)}  (set ADMIN_PASSWORD to choose one)`;
  const scaling = facts.redis ? `, Redis ${facts.redis}, this process at ${facts.publicAddress}` : " (one process, in memory)";
  const rates = Object.entries(limits.ratesPerSecond).map(([type, rate]) => `${type} ${rate}`).join(", ");
  const lines = [
    strong(`Battle & chat server listening on port ${facts.port}`),
    `${label("game")}${facts.gameUrl}`,
    `${label("monitor")}${facts.monitorUrl}  user ${strong(facts.adminUser)}  (also ${OpsPath.metrics})`,
    `${label("console")}${facts.consoleUrl}  (moderation: players, bans, reports, audit log)`,
    `${label("password")}${passwordLine}`,
    `${label("presence")}${facts.presence}, driver ${facts.driver}${scaling}`,
    ...(facts.region ? [`${label("region")}${facts.region.here} of ${facts.region.all.join(", ")}${facts.chatRedis ? `; chat Redis ${facts.chatRedis}` : ""}`] : []),
    ...(!facts.region && facts.chatRedis ? [`${label("chat")}chat Redis ${facts.chatRedis}`] : []),
    `${label("tls")}${tlsLine(facts)}`,
    `${label("players")}${facts.auth}; battle ${limits.battlePlayers.default} per room (up to ${limits.battlePlayers.max}), chat ${limits.chatMembers} per channel`,
    `${label("limits")}messages ${limits.messageBytes} B, join options ${limits.joinOptionsBytes} B, ${limits.sockets} sockets, seats held ${limits.seatReservationS} s`,
    `${label("rates/s")}${rates} (per client and type)`,
    `${label("chat")}${limits.chatLinesPerChannel} lines per channel, each kept ${duration(limits.chatRetentionS)}; interest management ${limits.interestManagement ? "on" : "off"}`,
    `${label("tracing")}${facts.tracing ? `${facts.tracing.url} as ${facts.tracing.service}, sampler ${facts.tracing.sampler}` : "off (OTEL_EXPORTER_OTLP_ENDPOINT)"}`,
    `${label("logs")}${facts.log.level}, ${facts.log.format} (LOG_LEVEL, LOG_FORMAT)`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Once the server listens: the banner for people, on stdout with readable logs; with JSON logs the
 * `listening` line carries the facts and the banner goes to stderr (stdout stays one JSON object per line).
 * Below LOG_LEVEL=info only a generated password's line is printed.
 * The generated password appears in the banner only, and never with NODE_ENV=production.
 */
export function announceStart(gameServer: Server, { settings, log: logger }: AppContext, env: NodeJS.ProcessEnv = process.env): void {
  const address = gameServer.transport.server?.address() as AddressInfo | null | undefined;
  const port = address?.port ?? settings.port;
  const output = pickLogOutput(settings.logFormat, process.stdout.isTTY === true);
  const facts = startFacts(settings, port, matchMaker.presence.constructor.name, matchMaker.driver.constructor.name, output);
  const pretty = output === "pretty";
  // A readable log says it all in the banner; a JSON log gets the facts as fields.
  if (!pretty) logger.info(facts, "listening");
  const out = pretty ? process.stdout : process.stderr;
  const password = shownPassword(settings, env);
  // The banner is an info-level announcement; a quieter LOG_LEVEL still learns a generated password.
  if (logger.isLevelEnabled("info")) out.write(bannerText(facts, password, pretty));
  else if (password !== undefined) out.write(`ADMIN_PASSWORD is not set: generated for this run: user ${settings.adminUser}, password ${password}\n`);
}

/** The admin password the banner may show: a generated one only, and never with NODE_ENV=production. */
export function shownPassword(settings: Pick<Settings, "adminPassword" | "adminPasswordGenerated">, env: NodeJS.ProcessEnv): string | undefined {
  return settings.adminPasswordGenerated && env.NODE_ENV !== "production" ? settings.adminPassword : undefined;
}

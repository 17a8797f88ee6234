/**
 * The app context: one object per app, built by `createApp(settings)` (server/app.config.ts) and
 * passed down to rooms (through their definition) and routes. Everything an app keeps lives here,
 * so two apps in one process (tests build many) never share settings, stores, limits or counters.
 */
import type { Room } from "@colyseus/core";
import { matchMaker } from "@colyseus/core";
import type { Registry } from "prom-client";
import { AuditLog } from "./chat/auditLog";
import { Bans, refuseBannedArrival } from "./chat/bans";
import type { ChatHistory } from "./chat/history";
import type { MuteKeys } from "./chat/moderation";
import type { ChatSubscriber } from "./chat/relay";
import { Reports } from "./chat/reports";
import { retainChat, type RetainedHistory } from "./chat/retention";
import { createChatStores, type RegionalPresence } from "./chat/stores";
import type { Settings } from "./config";
import { DrainState, type DrainEnd } from "./scaling/drain";
import { CHAT_REDIS_WATCH, RedisHealth, redisClients } from "./scaling/redisHealth";
import { AddressLimits } from "./security/addressLimits";
import { AddressRate } from "./security/addressRate";
import { Backpressure } from "./security/backpressure";
import { BotBudget } from "./security/botBudget";
import { HttpConnections } from "./security/httpConnections";
import { MatchmakingGuard } from "./security/matchmaking";
import { PING_PER_ADDRESS, REPORTS_PER_PLAYER } from "./shared/limits";
import { createLogger, type Logger, type LogSink } from "./telemetry/log";
import { Metrics } from "./telemetry/metrics";
import { Tracing } from "./telemetry/tracing";

export interface AppContext {
  readonly settings: Settings;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Spans of joins, chat lines and admin actions, or nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset. */
  readonly tracing: Tracing;
  /**
   * Chat history with retention in force (`store` under it: memory, or the chat Redis for public
   * channels and the regional one for battle channels), where each channel's rooms hear its lines,
   * and where mutes are kept (server/chat/stores.ts).
   */
  readonly chat: {
    readonly history: RetainedHistory;
    readonly store: ChatHistory;
    readonly mutes: MuteKeys;
    relayFor(channel: string): ChatSubscriber;
  };
  /**
   * Bans, player reports and the audit log, kept beside the mutes (the chat Redis, or presence);
   * reports per player (its flood key) on this process (REPORTS_PER_PLAYER).
   */
  readonly moderation: {
    readonly bans: Bans;
    readonly reports: Reports;
    readonly audit: AuditLog;
    readonly reportRate: AddressRate;
  };
  /** Per-address, per-identity and per-process limits (server/security/addressLimits.ts). */
  readonly addressLimits: AddressLimits;
  /** Server-side bots running in this process, at most MAX_BOTS (server/security/botBudget.ts). */
  readonly bots: BotBudget;
  /** GET /ping per address (PING_PER_ADDRESS). */
  readonly pingRate: AddressRate;
  readonly matchmaking: MatchmakingGuard;
  /** Open HTTP connections, per address and in all (server/security/httpConnections.ts). */
  readonly httpConnections: HttpConnections;
  /** What may wait to be sent to each client (server/security/backpressure.ts). */
  readonly backpressure: Backpressure;
  /** Whether the shared Redis answers (REDIS_URL only). */
  readonly redisHealth: RedisHealth | undefined;
  /** Whether a chat Redis other than REDIS_URL answers (logged only: battles go on without it). */
  readonly chatRedisHealth: RedisHealth | undefined;
  /** Whether this process drains (SIGUSR2 or POST /admin/drain; server/ops/drain.ts does the work). */
  readonly drain: DrainState;
  /** This app's rooms from create to dispose (Colyseus keeps its own list private). */
  readonly liveRooms: Set<Room>;
  /** Starts what runs in the background (history sweep, Redis probe) once the server starts. */
  start(): void;
  /** Stops it and closes the stores, at shutdown. */
  stop(): Promise<void>;
}

/** What the caller may hand in: where log lines go (tests keep them), the process's own metrics, the end of a drain. */
export interface ContextParts {
  logSink?: LogSink;
  processMetrics?: Registry;
  /** What happens once a drain ends (the entry shuts the process down); logged only when absent. */
  onDrained?: (end: DrainEnd) => void;
}

export function createContext(settings: Settings, parts: ContextParts = {}): AppContext {
  const log = createLogger(settings, parts.logSink);
  const metrics = new Metrics(parts.processMetrics);
  const tracing = new Tracing(settings.tracing, log);
  const { scaling } = settings;
  // Bounded by CHAT_HISTORY_*. The presence is the running server's (regional), there once it starts.
  const stores = createChatStores(settings, log, () => matchMaker.presence as unknown as RegionalPresence);
  const { store } = stores;
  // CHAT_RETENTION_S: reads leave older lines out and a sweep deletes them (server/chat/retention.ts).
  const history = retainChat(store, settings.chatRetentionS, log);
  const addressLimits = new AddressLimits(settings.limits, metrics);
  const liveRooms = new Set<Room>();
  const bans = new Bans(stores.moderation, settings.limits.ipv6PrefixBits, (err) =>
    log.warn({ err }, "a join went on without its ban check: the store that keeps bans did not answer"),
  );
  const regionalUrl = scaling.mode === "redis" ? scaling.redisUrl : undefined;
  const chatUrl = settings.regions.chatRedisUrl;
  const redisHealth = regionalUrl !== undefined ? new RedisHealth(regionalUrl, () => liveRooms, log) : undefined;
  const chatRedisHealth = chatUrl !== undefined && chatUrl !== regionalUrl ? new RedisHealth(chatUrl, () => [], log, CHAT_REDIS_WATCH) : undefined;
  return {
    settings,
    log,
    metrics,
    tracing,
    chat: { history, store, mutes: stores.mutes, relayFor: (channel) => stores.relayFor(channel) },
    moderation: {
      bans,
      reports: new Reports(stores.moderation, history, settings.chatHistory.lines),
      audit: new AuditLog(stores.moderation),
      reportRate: new AddressRate(REPORTS_PER_PLAYER),
    },
    addressLimits,
    bots: new BotBudget(settings.limits.maxBots, (bots) => metrics.bots.set(bots)),
    pingRate: new AddressRate(PING_PER_ADDRESS),
    matchmaking: new MatchmakingGuard(addressLimits, settings.auth.mode === "jwt", (...arrival) => refuseBannedArrival(bans, ...arrival)),
    httpConnections: new HttpConnections(settings.limits, metrics),
    backpressure: new Backpressure(settings.limits.outgoing, log, metrics),
    redisHealth,
    chatRedisHealth,
    drain: new DrainState((end) => {
      log.info({ end }, end === "empty" ? "drained: no battle or chat room left" : "drain timed out: closing the rooms left");
      parts.onDrained?.(end);
    }),
    liveRooms,
    start() {
      history.start();
      // /ready, one log line per outage, rooms announced again to a Redis that lost them.
      redisHealth?.start({ ...redisClients(), ...stores.regionalRedis, ...(chatRedisHealth ? {} : stores.chatRedis) });
      // The chat Redis of every region: its outages are logged; battles and /ready go on without it.
      chatRedisHealth?.start(stores.chatRedis);
    },
    async stop() {
      await Promise.all([redisHealth?.stop(), chatRedisHealth?.stop()]);
      await Promise.all([history.close(), stores.close()]);
      // The spans of the shutdown itself go out too.
      await tracing.stop();
    },
  };
}

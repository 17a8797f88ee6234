/**
 * The app context: one object per app, built by `createApp(settings)` (server/app.config.ts) and
 * passed down to rooms (through their definition) and routes. Everything an app keeps lives here,
 * so two apps in one process (tests build many) never share settings, stores, limits or counters.
 */
import type { Room } from "@colyseus/core";
import { matchMaker } from "@colyseus/core";
import type { Registry } from "prom-client";
import { MemoryChatHistory, type ChatHistory } from "./chat/history";
import { RedisChatHistory } from "./chat/redisHistory";
import { retainChat, type RetainedHistory } from "./chat/retention";
import type { Settings } from "./config";
import { RedisHealth, redisClients } from "./scaling/redisHealth";
import { AddressLimits } from "./security/addressLimits";
import { Backpressure } from "./security/backpressure";
import { HttpConnections } from "./security/httpConnections";
import { MatchmakingGuard } from "./security/matchmaking";
import { createLogger, type Logger, type LogSink } from "./telemetry/log";
import { Metrics } from "./telemetry/metrics";

export interface AppContext {
  readonly settings: Settings;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Chat history with retention in force (`store` under it: memory, or Redis with REDIS_URL). */
  readonly chat: { readonly history: RetainedHistory; readonly store: ChatHistory };
  /** Per-address, per-identity and per-process limits (server/security/addressLimits.ts). */
  readonly addressLimits: AddressLimits;
  readonly matchmaking: MatchmakingGuard;
  /** Open HTTP connections, per address and in all (server/security/httpConnections.ts). */
  readonly httpConnections: HttpConnections;
  /** What may wait to be sent to each client (server/security/backpressure.ts). */
  readonly backpressure: Backpressure;
  /** Whether the shared Redis answers (REDIS_URL only). */
  readonly redisHealth: RedisHealth | undefined;
  /** This app's rooms from create to dispose (Colyseus keeps its own list private). */
  readonly liveRooms: Set<Room>;
  /** Starts what runs in the background (history sweep, Redis probe) once the server starts. */
  start(): void;
  /** Stops it and closes the stores, at shutdown. */
  stop(): Promise<void>;
}

/** What the caller may hand in: where log lines go (tests keep them), and the process's own metrics. */
export interface ContextParts {
  logSink?: LogSink;
  processMetrics?: Registry;
}

export function createContext(settings: Settings, parts: ContextParts = {}): AppContext {
  const log = createLogger(settings, parts.logSink);
  const metrics = new Metrics(parts.processMetrics);
  const { scaling } = settings;
  // Bounded by CHAT_HISTORY_*. Lines are published on the running server's presence.
  const store: ChatHistory =
    scaling.mode === "redis"
      ? new RedisChatHistory(scaling.redisUrl, settings.chatHistory, log)
      : new MemoryChatHistory(settings.chatHistory, (topic, line) => matchMaker.presence.publish(topic, line));
  // CHAT_RETENTION_S: reads leave older lines out and a sweep deletes them (server/chat/retention.ts).
  const history = retainChat(store, settings.chatRetentionS, log);
  const addressLimits = new AddressLimits(settings.limits, metrics);
  const liveRooms = new Set<Room>();
  const redisHealth = scaling.mode === "redis" ? new RedisHealth(scaling.redisUrl, () => liveRooms, log) : undefined;
  return {
    settings,
    log,
    metrics,
    chat: { history, store },
    addressLimits,
    matchmaking: new MatchmakingGuard(addressLimits, settings.auth.mode === "jwt"),
    httpConnections: new HttpConnections(settings.limits, metrics),
    backpressure: new Backpressure(settings.limits.outgoing, log, metrics),
    redisHealth,
    liveRooms,
    start() {
      history.start();
      // /ready, one log line per outage, rooms announced again to a Redis that lost them.
      redisHealth?.start(redisClients(store));
    },
    async stop() {
      await redisHealth?.stop();
      await history.close();
    },
  };
}

/**
 * The real app in this process, for suites that play against it. `useServer()` boots it on a free
 * port before the suite, empties its rooms after each test and shuts it down after the suite.
 *
 * Every in-process boot of the app goes through `TestServer.boot` below: how the app is built
 * (createApp, its settings) is known here only.
 */
import type { Room } from "@colyseus/core";
import { boot, type ColyseusTestServer } from "@colyseus/testing";
import { createApp, type App } from "../../server/app.config";
import { readSettings, type Settings } from "../../server/config";
import type { WireBudget } from "../../server/config/serverLimits";
import type { AppContext } from "../../server/context";
import { bindContext } from "../../server/rooms/guardedRoom";
import { RateLimiter } from "../../server/security/rateLimit";
import { roomRates } from "../../server/shared/messages";
import type { RoomName } from "../../server/shared/payloads";
import { createLogger, type LogSink } from "../../server/telemetry/log";
import { processMetrics } from "../../server/telemetry/metrics";
import { freePort } from "./ports";

// Test defaults for LOG_LEVEL, ADMIN_PASSWORD and SHUTDOWN_GRACE_MS: test/helpers/env.ts (mocha loads it first).

/** Settings as environment variables, on top of the test environment. */
export type Env = Record<string, string>;
/** Room types a suite defines beside the app's, under names of its own. */
export type ExtraRooms = Record<string, new () => Room>;

export interface ServerOptions {
  /** Defined once the app is up, with the app's context (e.g. a battle under a test name). */
  rooms?: ExtraRooms;
  /** Changes what no variable sets (e.g. the outgoing limits). */
  tune?: (settings: Settings) => Settings;
}

/** One JSON log line of a test app. */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/**
 * Where a test app's log lines go: kept, not printed, so the suite's output stays quiet and a test
 * can assert on what was logged. TEST_LOGS=1 prints them as well.
 */
export class LogLines implements LogSink {
  readonly lines: LogLine[] = [];

  write(line: string): void {
    this.lines.push(JSON.parse(line) as LogLine);
    if (process.env.TEST_LOGS === "1") process.stdout.write(line);
  }

  /** The lines at `level`, with a message matching `msg` when given. */
  at(level: string, msg?: RegExp): LogLine[] {
    return this.lines.filter((line) => line.level === level && (msg === undefined || msg.test(line.msg)));
  }
}

/** A logger that writes nothing, for tests of parts that take one. */
export const silentLog = createLogger({ logLevel: "silent", logFormat: "json" }, { write: () => {} });

/** The process's own metrics, made once for every test app (each set keeps observers running). */
const sharedProcessMetrics = processMetrics();

/** A test app: the app (its context and config), and the log lines it wrote. */
export interface TestApp extends App {
  logs: LogLines;
}

/** The real app, built from the test environment (test/helpers/env.ts) plus `env`, its log lines kept. */
export function testApp(env: Env = {}, tune: (settings: Settings) => Settings = (settings) => settings): TestApp {
  const logs = new LogLines();
  const settings = tune(readSettings({ ...process.env, ...env }));
  return { ...createApp(settings, { logSink: logs, processMetrics: sharedProcessMetrics }), logs };
}

/** The real app on a free port, with real websocket clients through `sdk`. */
export class TestServer {
  private booted?: { server: ColyseusTestServer; app: TestApp };

  /** Builds the app from the test environment (test/helpers/env.ts) plus `env`, and listens. */
  async boot(env: Env = {}, { rooms = {}, tune }: ServerOptions = {}): Promise<void> {
    if (this.booted) throw new Error("the test server is already booted");
    const app = testApp(env, tune);
    const server = await boot(app.config, await freePort());
    for (const [name, room] of Object.entries(rooms)) server.server.define(name, bindContext(room, app.context));
    this.booted = { server, app };
  }

  private get live(): { server: ColyseusTestServer; app: TestApp } {
    if (!this.booted) throw new Error("the test server is not booted: use it inside a test or a hook after useServer's `before`");
    return this.booted;
  }

  /** The booted @colyseus/testing server (inside tests and hooks, once booted). */
  get current(): ColyseusTestServer {
    return this.live.server;
  }

  /** The app's context: its settings, logger, metrics, stores and limits. */
  get context(): AppContext {
    return this.live.app.context;
  }

  /** The settings the app was built with (the admin credentials, the limits). */
  get settings(): Settings {
    return this.live.app.context.settings;
  }

  /** What the app logged. */
  get logs(): LogLines {
    return this.live.app.logs;
  }

  get sdk(): ColyseusTestServer["sdk"] {
    return this.current.sdk;
  }

  /** A room of this process, server side. */
  getRoomById<State extends object = any>(roomId: string): Room<State> {
    return this.current.getRoomById<State>(roomId);
  }

  get port(): number {
    return this.current.server["port"];
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Disconnects every room and clears the matchmaker's room cache; nothing when never booted. */
  async cleanup(): Promise<void> {
    await this.booted?.server.cleanup();
  }

  /** Stops the app; nothing when never booted (a suite skipped in its `before`). */
  async shutdown(): Promise<void> {
    const booted = this.booted;
    this.booted = undefined;
    await booted?.server.shutdown();
  }
}

/**
 * Registers the suite's hooks (call inside `describe`): boot the app with `env` in `before`, clean
 * its rooms in `afterEach`, shut it down in `after`. Hooks run in the order they are registered:
 * an `afterEach` that must run before the clean-up (closing a socket that stopped reading) goes
 * above this call.
 */
export function useServer(env: Env = {}, options: ServerOptions = {}): TestServer {
  const server = new TestServer();
  before(() => server.boot(env, options));
  afterEach(() => server.cleanup());
  after(() => server.shutdown());
  return server;
}

/** A wire budget no test client reaches, for suites that flood on purpose about something else. */
export const UNLIMITED_WIRE: WireBudget = { framesPerSecond: 1e9, frameBurst: 1e9, bytesPerSecond: 1e12, byteBurst: 1e12 };

/** Interest management on, whatever the shell's INTEREST_MANAGEMENT says. */
export const INTEREST_ON: Env = { INTEREST_MANAGEMENT: "true" };
/** A battle room under its own name, for suites that open big arenas beside small battles (`useServer(INTEREST_ON, { rooms: { [INTEREST_ROOM]: BattleRoom } })`). */
export const INTEREST_ROOM = "battle-interest";

/**
 * For tests about something other than rate limits (e.g. filling a history fast): the room's
 * limiter sees a full second pass before every message, so every bucket is always full.
 */
export function liftRateLimits(server: Pick<TestServer, "getRoomById">, roomId: string): void {
  let fakeMs = 0;
  const room = server.getRoomById(roomId) as unknown as { limits: RateLimiter; roomName: RoomName };
  room.limits = new RateLimiter(roomRates(room.roomName), 1, () => (fakeMs += 1000));
}

import { boot, type ColyseusTestServer } from "@colyseus/testing";
import type { Client, Room as ClientRoom } from "colyseus.js";
import { createServer } from "node:net";
import { onMessage, roomsOf, type GameRoom, type Rooms } from "../../client/rooms";
import { createApp, type App } from "../../server/app.config";
import { readSettings, type Settings } from "../../server/config";
import { createLogger, type LogSink } from "../../server/telemetry/log";
import { processMetrics } from "../../server/telemetry/metrics";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { RateLimiter } from "../../server/security/rateLimit";
import { roomRates } from "../../server/shared/messages";
import { ServerMessage, type ServerMessageName, type ServerMessages } from "../../server/shared/messages";
import { type RoomName } from "../../server/shared/payloads";

// Test defaults for LOG_LEVEL, ADMIN_PASSWORD and SHUTDOWN_GRACE_MS: test/helpers/env.ts (mocha loads it first).

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The state each room type's tests read: the server's schema classes. */
export interface TestStates {
  battle: BattleState;
  chat: ChatState;
  lobby: undefined;
}

/** Typed joins through `server.sdk` (or any colyseus.js client): their rooms take `send` and `onMessage` of client/rooms.ts. */
export function sdkOf(server: ColyseusTestServer | Client): Rooms<TestStates> {
  return roomsOf<TestStates>("sdk" in server ? server.sdk : server);
}

/** Sends what the wire map does not allow, for tests of hostile input: no type check on purpose. */
export function sendUnchecked(room: ClientRoom, type: string | number, payload?: unknown): void {
  room.send(type, payload);
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

  /** The lines at `level`, or with a message matching `msg`. */
  at(level: string, msg?: RegExp): LogLine[] {
    return this.lines.filter((line) => line.level === level && (msg === undefined || msg.test(line.msg)));
  }
}

/** A logger that writes nothing, for tests of parts that take one. */
export const silentLog = createLogger({ logLevel: "silent", logFormat: "json" }, { write: () => {} });

/** The process's own metrics, made once for every test app (each set keeps observers running). */
const sharedProcessMetrics = processMetrics();

/** A test app: the app, and the log lines it wrote. */
export interface TestApp extends App {
  logs: LogLines;
}

/**
 * The real app, with the test environment (test/helpers/env.ts) plus `env` as its settings;
 * `tune` may change what no variable sets (e.g. the outgoing limits).
 */
export function testApp(env: Record<string, string> = {}, tune: (settings: Settings) => Settings = (s) => s): TestApp {
  const logs = new LogLines();
  const settings = tune(readSettings({ ...process.env, ...env }));
  return { ...createApp(settings, { logSink: logs, processMetrics: sharedProcessMetrics }), logs };
}

/** A booted test server with its app (context and log lines). */
export type TestServer = ColyseusTestServer & { app: TestApp };

export interface BootOptions {
  /** Changes what no variable sets (e.g. the outgoing limits). */
  tune?: (settings: Settings) => Settings;
  /** The port to listen on (default: a free one). */
  port?: number;
}

/** The real app on a port, with real websocket clients through `server.sdk`. */
export async function bootServer(env: Record<string, string> = {}, { tune, port }: BootOptions = {}): Promise<TestServer> {
  const app = testApp(env, tune);
  return Object.assign(await boot(app.config, port ?? (await freePort())), { app });
}

/** Longest a test waits for an event before it fails instead of hanging. */
export const EVENT_TIMEOUT_MS = 4000;

/**
 * Polls `check` every `everyMs` until it gives something other than undefined, null or false, and
 * resolves with that; fails after `timeoutMs`. For conditions no event announces (the server's
 * own bookkeeping, another process, a listing).
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = EVENT_TIMEOUT_MS,
  everyMs = 50,
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Resolves with the room's state once `predicate` holds, checking on every state change. */
export function until<S>(room: ClientRoom<S>, predicate: (state: S) => boolean, what = "state condition"): Promise<S> {
  return new Promise((resolve, reject) => {
    if (room.state && predicate(room.state)) return resolve(room.state);
    const timer = setTimeout(() => {
      room.onStateChange.remove(check);
      reject(new Error(`timed out waiting for ${what}`));
    }, EVENT_TIMEOUT_MS);
    const check = (state: S) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      room.onStateChange.remove(check);
      resolve(state);
    };
    room.onStateChange(check);
  });
}

/** The next message of `type` the client receives. */
export function nextMessage<R extends RoomName, S, K extends ServerMessageName<R>>(room: GameRoom<R, S>, type: K): Promise<ServerMessages[R][K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unbind();
      reject(new Error(`timed out waiting for message "${type}"`));
    }, EVENT_TIMEOUT_MS);
    const unbind = onMessage(room, type, (message) => {
      clearTimeout(timer);
      unbind();
      resolve(message);
    });
  });
}

/** Registers a no-op handler for every server message type, so unheard ones are not logged. */
export function hearAll<T extends ClientRoom>(room: T): T {
  for (const type of Object.values(ServerMessage)) room.onMessage(type, () => {});
  return room;
}

/** Collects every message of `type` a client receives, to check later that none came. */
export function collect<R extends RoomName, S, K extends ServerMessageName<R>>(room: GameRoom<R, S>, type: K): ServerMessages[R][K][] {
  const seen: ServerMessages[R][K][] = [];
  onMessage(room, type, (message) => seen.push(message));
  return seen;
}

export const nextError = <R extends RoomName, S>(room: GameRoom<R, S>) => nextMessage(room, ServerMessage.error);

/**
 * For tests about something other than rate limits (e.g. filling a history fast): the room's
 * limiter sees a full second pass before every message, so every bucket is always full.
 */
export function liftRateLimits(server: ColyseusTestServer, roomId: string): void {
  let fakeMs = 0;
  const room = server.getRoomById(roomId) as unknown as { limits: RateLimiter; roomName: RoomName };
  room.limits = new RateLimiter(roomRates(room.roomName), 1, () => (fakeMs += 1000));
}

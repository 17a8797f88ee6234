/**
 * The real app in this process, for suites that play against it. `useServer()` boots it on a free
 * port before the suite, empties its rooms after each test and shuts it down after the suite.
 *
 * Every in-process boot of the app goes through `TestServer.boot` below: how the app is built
 * (createApp, its settings) is known here only.
 */
import type { Room } from "@colyseus/core";
import { boot, type ColyseusTestServer } from "@colyseus/testing";
import { createApp } from "../../server/app.config";
import { readSettings, type Settings } from "../../server/config";
import { BattleRoom } from "../../server/rooms/BattleRoom";
import { RateLimiter } from "../../server/security/rateLimit";
import { freePort } from "./ports";

// Test defaults for LOG_LEVEL, ADMIN_PASSWORD and SHUTDOWN_GRACE_MS: test/helpers/env.ts (mocha loads it first).

/** Settings as environment variables, on top of the test environment. */
export type Env = Record<string, string>;
/** Room types a suite defines beside the app's, under names of its own. */
export type ExtraRooms = Record<string, new () => Room>;

export interface ServerOptions {
  /** Defined once the app is up, e.g. a battle with interest management forced on. */
  rooms?: ExtraRooms;
}

/** The real app on a free port, with real websocket clients through `sdk`. */
export class TestServer {
  private booted?: { server: ColyseusTestServer; settings: Settings };

  /** Builds the app from the test environment (test/helpers/env.ts) plus `env`, and listens. */
  async boot(env: Env = {}, { rooms = {} }: ServerOptions = {}): Promise<void> {
    if (this.booted) throw new Error("the test server is already booted");
    const settings = readSettings({ ...process.env, ...env });
    const server = await boot(createApp(settings), await freePort());
    for (const [name, room] of Object.entries(rooms)) server.server.define(name, room);
    this.booted = { server, settings };
  }

  private get app(): { server: ColyseusTestServer; settings: Settings } {
    if (!this.booted) throw new Error("the test server is not booted: use it inside a test or a hook after useServer's `before`");
    return this.booted;
  }

  /** The booted @colyseus/testing server (inside tests and hooks, once booted). */
  get current(): ColyseusTestServer {
    return this.app.server;
  }

  /** The settings the app was built with (the admin credentials, the limits). */
  get settings(): Settings {
    return this.app.settings;
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

/** A battle room with interest management on, whatever INTEREST_MANAGEMENT says. */
export class InterestBattleRoom extends BattleRoom {
  protected readonly interestManagement = true;
}
/** The name suites define InterestBattleRoom under (`useServer(env, { rooms: { [INTEREST_ROOM]: InterestBattleRoom } })`). */
export const INTEREST_ROOM = "battle-interest";

/**
 * For tests about something other than rate limits (e.g. filling a history fast): the room's
 * limiter sees a full second pass before every message, so every bucket is always full.
 */
export function liftRateLimits(server: Pick<TestServer, "getRoomById">, roomId: string): void {
  let fakeMs = 0;
  (server.getRoomById(roomId) as unknown as { limits: RateLimiter }).limits = new RateLimiter(() => (fakeMs += 1000));
}

/**
 * Redis faults, seen from one process: a probe of its own says whether Redis answers (GET /ready
 * answers 503 while it does not), every ioredis client's errors are folded into one warning per
 * outage and one line with its duration when it ends, and a Redis that comes back without this
 * process's keys (a failover to a blank replica) gets this process's live rooms announced again.
 */
import { matchMaker, type Room } from "@colyseus/core";
import { Redis } from "ioredis";
import type { Logger } from "../telemetry/log";

/** How often the probe PINGs Redis, and how long it waits for the answer before calling Redis unreachable. */
export const REDIS_PROBE_MS = 1000;
export const REDIS_PROBE_TIMEOUT_MS = 1000;
/** How often a reachable Redis is checked for this process's keys (a blank Redis is refilled within this plus one probe). */
export const REDIS_KEYS_CHECK_MS = 3000;
/** The hash where Colyseus 0.16 keeps each process's room and client counts (Stats.getRoomCountKey). */
const ROOM_COUNT_KEY = "roomcount";
/** The hash where RedisDriver 0.16 keeps every room's listing, by roomId. */
const ROOM_CACHE_KEY = "roomcaches";
/** Room._internalState while disposing (@colyseus/core RoomInternalState.DISPOSING). */
const ROOM_DISPOSING = 2;
/** The channel LobbyRoom listens on (@colyseus/core matchmaker/Lobby.ts). */
const LOBBY_CHANNEL = "$lobby";

/** What a watch is of, in its log lines, and whether it restores this process's rooms. */
export interface RedisWatch {
  /** "Redis unreachable: <consequence>". */
  readonly name: string;
  readonly consequence: string;
  /** The Redis holding rooms and presence: refill a Redis that comes back blank. */
  readonly restoresRooms: boolean;
}

/** The regional Redis (REDIS_URL): rooms, presence, and the chat unless CHAT_REDIS_URL names another. */
export const REGIONAL_REDIS_WATCH: RedisWatch = { name: "Redis", consequence: "matchmaking across processes and chat history wait for it", restoresRooms: true };
/** The chat Redis (CHAT_REDIS_URL) when it is not the regional one. */
export const CHAT_REDIS_WATCH: RedisWatch = { name: "Chat Redis", consequence: "public chat lines wait for it, battles go on", restoresRooms: false };

/** An ioredis client whose errors the health watch reports (instead of ioredis's own console lines). */
export interface ErrorSource {
  on(event: "error", listener: (error: Error) => void): unknown;
}

export class RedisHealth {
  private readonly probe: Redis;
  private downSince: number | undefined;
  private probing = false;
  private checking = false;
  private lastKeysCheck = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `rooms`: this process's live rooms, announced again to a Redis that lost them. */
  constructor(
    url: string,
    private readonly rooms: () => Iterable<Room>,
    private readonly log: Logger,
    private readonly what: RedisWatch = REGIONAL_REDIS_WATCH,
  ) {
    // Fails fast while disconnected, and a PING that a partition swallows times out. Connects once started.
    this.probe = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_PROBE_TIMEOUT_MS,
      retryStrategy: () => REDIS_PROBE_MS,
    });
    this.watch("probe", this.probe);
  }

  get reachable(): boolean {
    return this.downSince === undefined;
  }

  /** Reports `client`'s connection errors as part of the current outage. */
  watch(source: string, client: ErrorSource): void {
    client.on("error", (error) => this.down(source, error));
  }

  /** Starts probing, and reports `clients`' connection errors (see {@link redisClients}) as part of each outage. */
  start(clients: Record<string, ErrorSource | undefined> = {}): void {
    for (const [source, client] of Object.entries(clients)) if (client) this.watch(source, client);
    // A failed first connect is an outage like any other: the "error" listener reports it, ioredis retries.
    if (this.probe.status === "wait") this.probe.connect().catch(() => {});
    this.timer ??= setInterval(() => void this.tick(), REDIS_PROBE_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.probe.disconnect();
  }

  /** One probe; after an outage, or every REDIS_KEYS_CHECK_MS, also the check for this process's keys. */
  async tick(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await this.probe.ping();
      const wasDown = !this.reachable;
      this.up();
      if (this.what.restoresRooms && (wasDown || performance.now() - this.lastKeysCheck >= REDIS_KEYS_CHECK_MS)) await this.checkKeys();
    } catch (error) {
      this.down("probe", error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.probing = false;
    }
  }

  private down(source: string, error: Error): void {
    if (this.downSince !== undefined) return;
    this.downSince = performance.now();
    this.log.warn({ source, err: { message: error.message } }, `${this.what.name} unreachable: ${this.what.consequence}`);
  }

  private up(): void {
    if (this.downSince === undefined) return;
    const outageMs = Math.round(performance.now() - this.downSince);
    this.downSince = undefined;
    this.log.warn({ outageMs }, `${this.what.name} reachable again`);
  }

  /** Rooms missing from a Redis that lost its keys (a blank replica, a flush) are announced again. */
  private async checkKeys(): Promise<void> {
    if (this.checking || matchMaker.state !== matchMaker.MatchMakerState.READY) return;
    this.checking = true;
    this.lastKeysCheck = performance.now();
    try {
      // A disposing room has removed its listing already: announcing it again would list a ghost. One
      // created moments ago may not have saved its listing yet: the next check sees it.
      const settledBefore = Date.now() - REDIS_KEYS_CHECK_MS;
      const rooms = [...this.rooms()].filter(
        (room) =>
          (room as unknown as { _internalState: number })._internalState !== ROOM_DISPOSING &&
          new Date(room.listing.createdAt ?? 0).getTime() <= settledBefore,
      );
      const cached = rooms.length > 0 ? await this.probe.hmget(ROOM_CACHE_KEY, ...rooms.map((room) => room.roomId)) : [];
      const missing = rooms.filter((_, i) => cached[i] === null);
      const counted = (await this.probe.hexists(ROOM_COUNT_KEY, matchMaker.processId)) === 1;
      if (missing.length === 0 && counted) return;
      await announce(missing);
      this.log.warn({ rooms: missing.length }, "Redis had lost this process's rooms (a blank replica?): announced them again");
    } catch (error) {
      this.log.warn({ err: error }, "could not check or restore this process's rooms in Redis");
    } finally {
      this.checking = false;
    }
  }
}

/** Writes what Colyseus keeps in Redis for these rooms and this process, and tells the lobbies. */
async function announce(rooms: Room[]): Promise<void> {
  await matchMaker.stats.persist(true);
  for (const room of rooms) {
    await room.listing.save();
    if (!room.listing.unlisted && !room.listing.private) await matchMaker.presence.publish(LOBBY_CHANNEL, `${room.roomId},0`);
  }
}

/**
 * The ioredis clients of this process's presence and driver: RedisPresence's `pub` and `sub` and
 * RedisDriver's `_client` (none of them public API: a missing one is simply not watched). The chat
 * stores name their own (server/chat/stores.ts).
 */
export function redisClients(): Record<string, ErrorSource | undefined> {
  const presence = matchMaker.presence as unknown as { pub?: ErrorSource; sub?: ErrorSource };
  const driver = matchMaker.driver as unknown as { _client?: ErrorSource };
  return {
    "presence.pub": presence.pub,
    "presence.sub": presence.sub,
    driver: driver._client,
  };
}

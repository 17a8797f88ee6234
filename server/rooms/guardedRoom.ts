/**
 * The base of every room: what battle, chat and lobby share, written once.
 * - the app context, from the room's definition ({@link bindContext}, server/app.config.ts);
 * - static onAuth: join options parsed at matchmaking, before any seat (ServerError 4217 naming the
 *   problem, 4218 for another protocol version), then the identity behind the token;
 * - the room's handlers wired through one guarded path (./messages.ts), with the catch-all;
 * - typed `send` and `broadcast` (the protocol record's payload for each message name);
 * - the shutdown notice, exceptions logged with the room id, and the leave: final or a kept seat,
 *   then the shared cleanup.
 */
import { Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import { identify, playerIdOf, withIdentity, type Identity } from "../auth/identity";
import { addressInNetwork, bannedJoin } from "../chat/bans";
import type { AppContext } from "../context";
import { RateLimiter } from "../security/rateLimit";
import { CLOSE_KICKED, CLOSE_REPLACED, JOIN_INVALID_OPTIONS, JOIN_PROTOCOL_MISMATCH } from "../shared/codes";
import { SEARCH_RESULTS_MAX, SEAT_RESERVATION_S } from "../shared/limits";
import { roomRates, type ServerMessageName, type ServerMessages } from "../shared/messages";
import { parseVersionedJoin, protocolMatches, type Parsed } from "../shared/parse";
import { PROTOCOL_VERSION, type RoomName } from "../shared/payloads";
import { registerMessages, type Deliver, type Handlers } from "./messages";
import { Reconnections } from "./reconnect";
import { Seats } from "./seats";
import { closeRoomGracefully } from "./shutdown";
import { tracedJoin, tracedReservation } from "./traced";
import { SpanKind, TRACEPARENT_FIELD, traceparentOf, type Carrying } from "../telemetry/tracing";

/** `client.auth.address`: the per-address key the join came from (server/security/clientAddress.ts), for bans and the console. */
export type Addressed = { address: string };

/** A member of a room as the moderation console lists it (`moderationMembers`, called across processes). */
export interface ListedMember {
  playerId: string;
  name: string;
  guest: boolean;
  address: string;
  roomId: string;
  roomName: string;
}

/** The address key the matchmaking guard put in `context.ip` (server/security/matchmaking.ts). */
function addressIn(context: AuthContext | undefined): string {
  const ip = context?.ip;
  return (Array.isArray(ip) ? ip[0] : ip)?.split(",")[0]?.trim() || "unknown";
}

/** Where a room class bound to an app keeps its context. */
const CONTEXT = Symbol("app context");
type Bound = { [CONTEXT]?: AppContext };

/** The app context of a room class defined by {@link bindContext}. */
function contextOf(klass: unknown): AppContext {
  const context = (klass as Bound)[CONTEXT];
  if (!context) throw new Error("room class defined without its app context: define it with bindContext(RoomClass, context)");
  return context;
}

/** `klass` for one app: its rooms (and its static onAuth) see `context`. Colyseus constructs rooms without arguments. */
// TypeScript accepts a class as a mixin base only when typed as a constructor of `any[]`.
export function bindContext<T extends new (...args: any[]) => Room>(klass: T, context: AppContext): T {
  return class extends klass {
    static readonly [CONTEXT] = context;
  };
}

/** The room's join options, or the ServerError that refuses the join (before any seat is reserved). */
export function admitJoin<J>(input: unknown, parse: (options: unknown) => Parsed<J>): J {
  const versioned = parseVersionedJoin(input);
  if (!versioned.ok) throw new ServerError(JOIN_INVALID_OPTIONS, versioned.message);
  const { protocol, options } = versioned.value;
  if (!protocolMatches(protocol)) {
    throw new ServerError(
      JOIN_PROTOCOL_MISMATCH,
      `this page is out of date (protocol ${typeof protocol === "number" ? protocol : "?"}, server ${PROTOCOL_VERSION}): reload it to play`,
    );
  }
  const parsed = parse(options);
  if (!parsed.ok) throw new ServerError(parsed.joinCode ?? JOIN_INVALID_OPTIONS, parsed.message);
  return parsed.value;
}

/**
 * The base class of room `name`, whose join options `parseJoin` reads. Usage:
 * `class BattleRoom extends guardedRoom(RoomName.battle, parseBattleOptions)<BattleState> {…}`,
 * defined for an app with `bindContext(BattleRoom, context)`.
 */
export function guardedRoom<R extends RoomName, J extends object, Extra extends object = object>(name: R, parseJoin: (options: unknown) => Parsed<J>) {
  /** `client.auth`: the join options, the identity, and what a room's own onAuth adds (`Extra`). */
  type Auth = J & Identity & Addressed & Extra;

  abstract class GuardedRoom<S extends object> extends Room<S, unknown, unknown, Auth> {
    /** Per-client rate limits of this room's messages (RATE_LIMIT_SCALE applied). */
    readonly limits = new RateLimiter(roomRates(name), this.ctx.settings.rateLimitScale);
    /** One seat per player id (./seats.ts). */
    protected readonly seats = new Seats();
    /** Seats kept for dropped clients (./reconnect.ts). */
    protected readonly reconnections = new Reconnections(this);
    /** Sessions a moderator removed (`moderationKick`): their leave is final. */
    private readonly removed = new Set<string>();

    /** The guarded path of this room's messages, for senders without a socket (server-side bots). */
    protected deliver!: Deliver<Client<unknown, Auth>>;

    /** A handler for every client message of this room's protocol record. */
    abstract readonly messages: Handlers<R, Client<unknown, Auth>>;

    /** Sets the room up with the first join's options, parsed as onAuth parsed them. */
    protected abstract create(options: J): void | Promise<void>;
    /**
     * The player whose kept seat `reconnectionToken` reopens, or undefined when none waits for it
     * (asked by the reconnection guard, server/security/reconnection.ts, across processes).
     */
    seatPlayer(reconnectionToken: string): string | undefined {
      const sessionId = this._reconnections[reconnectionToken]?.[0];
      const auth = sessionId === undefined ? undefined : (this.reservedSeats[sessionId]?.[1] as Partial<Identity> | undefined);
      return typeof auth?.playerId === "string" ? auth.playerId : undefined;
    }

    /** A final leave: forget what the room keeps about the client (the base already freed its seat and buckets). */
    protected abstract left(client: Client<unknown, Auth>): void | Promise<void>;

    /** The app this room belongs to. */
    get ctx(): AppContext {
      return contextOf(this.constructor);
    }

    /** Runs at matchmaking, before a seat is reserved: bad join options, a refused token or a banned player never take a seat. */
    static async onAuth(token: string | undefined, options: unknown, context?: AuthContext): Promise<J & Identity & Addressed & Carrying> {
      const ctx = contextOf(this);
      // The matchmaking request's context rides in the auth data to the seat reservation, wherever the room lives.
      const carried = ctx.tracing.on ? { [TRACEPARENT_FIELD]: traceparentOf() } : {};
      return ctx.tracing.span("onAuth", { kind: SpanKind.INTERNAL, attributes: { "colyseus.room.name": name } }, async () => {
        try {
          const join = admitJoin(options, parseJoin);
          // Accepted (stock Colyseus clients name no version), and counted so an operator sees when to require it.
          if ((options as { protocol?: unknown } | undefined)?.protocol === undefined) ctx.metrics.countJoinWithoutProtocol(name);
          const identity = await identify(token, ctx.settings.auth, ctx.log);
          const address = addressIn(context);
          // The address alone is checked earlier, at the matchmaking guard (reconnections too).
          const ban = await ctx.moderation.bans.banAtJoin(identity.playerId, address, Date.now());
          if (ban) throw bannedJoin(ban);
          return { ...withIdentity(join, identity), address, ...carried };
        } catch (error) {
          if (error instanceof ServerError) ctx.tracing.event("refused", { "colyseus.refusal.code": error.code, "colyseus.refusal.message": error.message });
          throw error;
        }
      });
    }

    /** Colyseus's seat reservation (called through presence when matchmaking runs on another process), under its span. */
    protected override _reserveSeat(sessionId: string, joinOptions?: unknown, authData?: unknown, seconds?: number, allowReconnection?: boolean, devModeReconnection?: boolean) {
      const reserve = () => super._reserveSeat(sessionId, joinOptions, authData, seconds, allowReconnection, devModeReconnection);
      return tracedReservation(this, this.ctx, authData, allowReconnection === true, reserve);
    }

    /** Colyseus's join of a socket that claims its seat, under a `join` (or `reconnect`) span. */
    override _onJoin(client: Parameters<Room["_onJoin"]>[0], authContext: AuthContext) {
      const join = () => super._onJoin(client, authContext);
      return tracedJoin(this, this.ctx, client.sessionId, this.reservedSeats[client.sessionId], join);
    }

    onCreate(options: unknown) {
      const join = admitJoin(options, parseJoin);
      this.setSeatReservationTime(SEAT_RESERVATION_S);
      this.deliver = registerMessages(this, name);
      return this.create(join);
    }

    /** Sends `type` to one client; the payload must be what the protocol record says for this room. */
    send<K extends ServerMessageName<R>>(client: Client, type: K, payload: ServerMessages[R][K]): void {
      client.send(type, payload);
    }

    broadcast<K extends ServerMessageName<R>>(type: K, payload: ServerMessages[R][K], options?: Parameters<Room["broadcast"]>[2]): void {
      super.broadcast(type, payload, options);
    }

    onBeforeShutdown() {
      closeRoomGracefully(this, this.ctx.settings.shutdownGraceMs, this.ctx.log);
    }

    onUncaughtException(error: Error, methodName: string) {
      this.ctx.log.error({ err: error, roomId: this.roomId, room: this.roomName, method: methodName }, "room method threw");
    }

    async onLeave(client: Client<unknown, Auth>, consented: boolean) {
      if (!consented && !this.isFinalLeave(client) && (await this.waitForReconnection(client))) return;
      this.limits.forget(client.sessionId, this.limitsKeptAs(client));
      this.seats.release(playerIdOf(client), client.sessionId);
      await this.left(client);
    }

    /** A leave the server caused (cut off for flooding, replaced by a newer join, removed by a moderator) keeps no seat. */
    protected isFinalLeave(client: Client<unknown, Auth>): boolean {
      const removed = this.removed.delete(client.sessionId);
      return removed || !this.seats.holds(playerIdOf(client), client.sessionId) || this.limits.wasCutOff(client.sessionId);
    }

    /** A member's shown name in this room (the state's, where the room gives one). */
    protected nameOf(client: Client<unknown, Auth>): string {
      const name = (client.auth as { name?: unknown } | undefined)?.name;
      return typeof name === "string" ? name : "";
    }

    // Moderation console (server/ops/moderation/), through matchMaker.remoteRoomCall on any process.

    /** Members whose player id or name contains `query` (case-insensitive), at most SEARCH_RESULTS_MAX. */
    moderationMembers(query: unknown): ListedMember[] {
      const wanted = typeof query === "string" ? query.toLowerCase() : "";
      const found: ListedMember[] = [];
      for (const client of this.clients) {
        if (found.length >= SEARCH_RESULTS_MAX) break;
        const member = { playerId: playerIdOf(client), name: this.nameOf(client), guest: client.auth?.guest ?? true, address: client.auth?.address ?? "unknown" };
        if (member.playerId.toLowerCase().includes(wanted) || member.name.toLowerCase().includes(wanted)) {
          found.push({ ...member, roomId: this.roomId, roomName: this.roomName });
        }
      }
      return found;
    }

    /** The player id of the seat a reconnection token holds, so the guard can check its bans (Colyseus skips onAuth there). */
    reconnectingPlayer(reconnectionToken: unknown): string | undefined {
      if (typeof reconnectionToken !== "string" || !Object.hasOwn(this._reconnections, reconnectionToken)) return undefined;
      const sessionId = this._reconnections[reconnectionToken]![0];
      const auth = this.reservedSeats[sessionId]?.[1] as Identity | undefined;
      return auth?.playerId;
    }

    /**
     * Removes for good every member with player id `playerId`, or whose address is inside `network`
     * (`address/bits`), with CLOSE_KICKED; seats kept for them are given up. Returns how many.
     */
    moderationKick(playerId: unknown, network?: unknown): number {
      const inNetwork = (address: string | undefined) => typeof network === "string" && address !== undefined && addressInNetwork(address, network);
      let removed = 0;
      for (const client of [...this.clients]) {
        if (playerIdOf(client) !== playerId && !inNetwork(client.auth?.address)) continue;
        this.removed.add(client.sessionId);
        client.leave(CLOSE_KICKED, "removed by a moderator");
        removed++;
      }
      for (const [, [sessionId]] of Object.entries(this._reconnections)) {
        const auth = this.reservedSeats[sessionId]?.[1] as (Identity & Partial<Addressed>) | undefined;
        if (auth && (auth.playerId === playerId || inNetwork(auth.address)) && this.reconnections.end(sessionId)) removed++;
      }
      return removed;
    }

    /** The identity a leaving client's rate-limit buckets are kept under for its next join, if any. */
    protected limitsKeptAs(_client: Client<unknown, Auth>): string | undefined {
      return undefined;
    }

    /** Keeps a dropped client's seat; true when it came back with its reconnection token. */
    protected waitForReconnection(client: Client<unknown, Auth>): Promise<boolean> {
      return this.reconnections.cameBack(client, false);
    }

    /**
     * Ends a seat taken over by a newer join of the same player (server/rooms/seats.ts): closes its
     * socket with CLOSE_REPLACED, or ends its wait for a reconnection.
     */
    protected evict(sessionId: string): void {
      const client = this.clients.getById(sessionId);
      if (client) client.leave(CLOSE_REPLACED, "you joined this room again from another tab or device");
      else this.reconnections.end(sessionId);
    }
  }
  return GuardedRoom;
}

/**
 * The base of every room: what battle, chat and lobby share, written once.
 * - static onAuth: join options parsed at matchmaking, before any seat (ServerError 4217 naming the
 *   problem, 4218 for another protocol version), then the identity behind the token;
 * - the room's handler table wired through one guarded path (./messages.ts), with the catch-all;
 * - typed `send` and `broadcast` (the wire map's payload for each message name);
 * - the shutdown notice, exceptions logged with the room id, and the leave: final or a kept seat,
 *   then the shared cleanup.
 */
import { Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import { identify, playerIdOf, withIdentity, type Identity } from "../auth/identity";
import { settings } from "../config";
import { logger } from "../log";
import { closeRoomGracefully } from "../ops/shutdown";
import { RateLimiter } from "../security/rateLimit";
import { SEAT_RESERVATION_S } from "../shared/limits";
import { parseVersionedJoin, protocolMatches, type Parsed } from "../shared/parse";
import {
  JOIN_INVALID_OPTIONS,
  JOIN_PROTOCOL_MISMATCH,
  PROTOCOL_VERSION,
  type RoomName,
  type ServerMessageName,
  type ServerMessages,
} from "../shared/wire";
import { registerMessages, type HandlerTable } from "./messages";
import { cameBack } from "./reconnect";
import { Seats } from "./seats";

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
  if (!parsed.ok) throw new ServerError(JOIN_INVALID_OPTIONS, parsed.message);
  return parsed.value;
}

/**
 * The base class of room `name`, whose join options `parseJoin` reads. Usage:
 * `const Base = guardedRoom(RoomName.battle, parseBattleOptions); class BattleRoom extends Base<BattleState> {…}`.
 */
export function guardedRoom<R extends RoomName, J extends object, Extra extends object = object>(name: R, parseJoin: (options: unknown) => Parsed<J>) {
  /** `client.auth`: the join options, the identity, and what a room's own onAuth adds (`Extra`). */
  type Auth = J & Identity & Extra;

  abstract class GuardedRoom<S extends object> extends Room<S, unknown, unknown, Auth> {
    readonly limits = new RateLimiter(undefined, settings().rateLimitScale);
    /** One seat per player id (./seats.ts). */
    protected readonly seats = new Seats();

    /** Every client message of this room, with its parser, rate-limit bucket and handler. */
    abstract readonly messages: HandlerTable<R, Client<unknown, Auth>>;

    /** Sets the room up with the first join's options, parsed as onAuth parsed them. */
    protected abstract create(options: J): void | Promise<void>;
    /** A final leave: forget what the room keeps about the client (the base already freed its seat and buckets). */
    protected abstract left(client: Client<unknown, Auth>): void | Promise<void>;

    /** Runs at matchmaking, before a seat is reserved: bad join options or a refused token never take a seat. */
    static async onAuth(token: string | undefined, options: unknown, _context?: AuthContext): Promise<J & Identity> {
      return withIdentity(admitJoin(options, parseJoin), await identify(token));
    }

    onCreate(options: unknown) {
      const join = admitJoin(options, parseJoin);
      this.setSeatReservationTime(SEAT_RESERVATION_S);
      registerMessages(this);
      return this.create(join);
    }

    /** Sends `type` to one client; the payload must be what the wire map says for this room. */
    send<K extends ServerMessageName<R>>(client: Client, type: K, payload: ServerMessages[R][K]): void {
      client.send(type, payload);
    }

    broadcast<K extends ServerMessageName<R>>(type: K, payload: ServerMessages[R][K], options?: Parameters<Room["broadcast"]>[2]): void {
      super.broadcast(type, payload, options);
    }

    onBeforeShutdown() {
      closeRoomGracefully(this);
    }

    onUncaughtException(error: Error, methodName: string) {
      logger.error({ err: error, roomId: this.roomId, room: this.roomName, method: methodName }, "room method threw");
    }

    async onLeave(client: Client<unknown, Auth>, consented: boolean) {
      if (!consented && !this.isFinalLeave(client) && (await this.waitForReconnection(client))) return;
      this.limits.forget(client.sessionId, this.limitsKeptAs(client));
      this.seats.release(playerIdOf(client), client.sessionId);
      await this.left(client);
    }

    /** A leave the server caused (cut off for flooding, or replaced by a newer join) keeps no seat. */
    protected isFinalLeave(client: Client<unknown, Auth>): boolean {
      return !this.seats.holds(playerIdOf(client), client.sessionId) || this.limits.wasCutOff(client.sessionId);
    }

    /** The identity a leaving client's rate-limit buckets are kept under for its next join, if any. */
    protected limitsKeptAs(_client: Client<unknown, Auth>): string | undefined {
      return undefined;
    }

    /** Keeps a dropped client's seat; true when it came back with its reconnection token. */
    protected waitForReconnection(client: Client<unknown, Auth>): Promise<boolean> {
      return cameBack(this, client, false);
    }
  }
  return GuardedRoom;
}

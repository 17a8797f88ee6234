/**
 * The per-address and per-identity limits at matchmaking, before a seat is reserved: sockets and chat
 * channels per address, rooms created per address, per player id and per process. Also where the
 * client's address (TRUSTED_PROXY) and bearer token (any case of "Bearer") are settled for onAuth.
 */
import { ErrorCode, ServerError, matchMaker, type AuthContext, type Room } from "@colyseus/core";
import { decodeJwt } from "jose";
import { AsyncLocalStorage } from "node:async_hooks";
import { JOIN_OTHER_CHANNEL } from "../shared/codes";
import { BATTLE_CHANNEL_PREFIX, RoomName } from "../shared/payloads";
import type { AddressLimits, Creator, RoomKind } from "./addressLimits";
import { addressKey, clientKey } from "./clientAddress";

type Call = (roomName: string, options: unknown, auth: AuthContext) => Promise<unknown>;
/** A check of every arrival before any limit is spent (the bans: server/chat/bans.ts); throws a ServerError to refuse. */
export type Arrival = (address: string, method: string, roomNameOrId: string, options: unknown) => Promise<void>;

/** The token of an `Authorization: Bearer <token>` header, whatever the case of the scheme (RFC 7235). */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^bearer +(\S+)\s*$/i)?.[1];
}

/** A token's `sub`, unverified: only counted once onAuth has verified the token and a room exists. */
function subjectOf(token: string | undefined): string | undefined {
  if (!token) return undefined;
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === "string" ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** The room a call is for: by name, or (joinById, reconnect) the listing of the room it names. */
async function targetRoom(method: string, roomNameOrId: string): Promise<{ name?: string; metadata?: unknown }> {
  if (method !== "joinById" && method !== "reconnect") return { name: roomNameOrId };
  return (await matchMaker.query({ roomId: roomNameOrId }))[0] ?? {};
}

/**
 * A join by id into a chat room is for that room's own channel: the ticket of a battle's channel is
 * checked against the `channel` option, so options naming another channel must not reach the room.
 * (The room checks it again as it seats the member, for a listing not written yet.)
 */
function otherChannelRefusal(listing: { metadata?: unknown }, options: unknown): ServerError | undefined {
  const own = (listing.metadata as { channel?: unknown } | undefined)?.channel;
  const asked = (options as { channel?: unknown } | undefined)?.channel;
  if (typeof own !== "string" || asked === own) return undefined;
  return new ServerError(JOIN_OTHER_CHANNEL, "this chat room is another channel: join a channel by its own name");
}

/** A public battle (quick play) or the lobby may open in the rooms kept free; a private battle or a chat channel may not (a battle's own channel goes with its battle). */
function kindOf(roomName: string, options: unknown): RoomKind {
  const given = (typeof options === "object" && options !== null ? options : {}) as Record<string, unknown>;
  if (roomName === RoomName.battle) return given.private === true ? "other" : "public";
  if (roomName === RoomName.chat) return typeof given.channel === "string" && given.channel.startsWith(BATTLE_CHANNEL_PREFIX) ? "public" : "other";
  return "public";
}

export class MatchmakingGuard {
  /** Who the matchmaking call running now is for, so the room's "create" event can name its creator. */
  private readonly creating = new AsyncLocalStorage<Creator>();

  /** `identities`: signed tokens are in use, so a token's `sub` is a player id worth counting rooms by. */
  constructor(
    readonly limits: AddressLimits,
    private readonly identities: boolean,
    private readonly arrival: Arrival = async () => {},
  ) {}

  /** Runs one exposed matchmaking method (`call`) within the limits; a refusal is a LimitRefusal ServerError. */
  async withinLimits(method: string, roomName: string, options: unknown, auth: AuthContext, call: Call): Promise<unknown> {
    const limits = this.limits;
    // The per-address key (an IPv6 client's /64), also what chat flood keys and guest mutes take from `ip`.
    const address = auth.req ? clientKey(auth.req, limits.limits) : addressKey(String(auth.ip ?? "unknown"), limits.limits.ipv6PrefixBits);
    // Colyseus believes any X-Forwarded-For and only a capitalised "Bearer".
    const token = bearerToken(auth.headers?.authorization);
    const context: AuthContext = { ...auth, ip: address, token };
    await this.arrival(address, method, roomName, options);

    const target = await targetRoom(method, roomName);
    const chat = target.name === RoomName.chat;
    const otherChannel = chat && method === "joinById" ? otherChannelRefusal(target, options) : undefined;
    if (otherChannel) throw otherChannel;
    const socketRefused = limits.socketRefusal(address, chat) ?? limits.reservationRefusal(address);
    if (socketRefused) throw socketRefused;
    const settle = limits.seatReserving(address, chat);
    let sessionId: string | undefined;
    try {
      const reserved = await this.place(method, roomName, options, context, address, call);
      const given = (reserved as { sessionId?: unknown } | undefined)?.sessionId;
      if (typeof given === "string") sessionId = given;
      return reserved;
    } finally {
      settle(sessionId);
    }
  }

  /** The call itself, with the room limits when it may create one. */
  private async place(method: string, roomName: string, options: unknown, context: AuthContext, address: string, call: Call): Promise<unknown> {
    const limits = this.limits;
    const token = context.token;
    if (method !== "create" && method !== "joinOrCreate") return call(roomName, options, context);

    const creator: Creator = { address, playerId: this.identities ? subjectOf(token) : undefined };
    const createRefused = limits.createRefusal(creator, matchMaker.stats.local.roomCount, kindOf(roomName, options));
    if (createRefused === undefined) {
      // Counted as created while the call runs: parallel creates from one address see each other.
      const done = limits.creatingRoom(address);
      try {
        return await this.creating.run(creator, () => call(roomName, options, context));
      } finally {
        done();
      }
    }
    if (method === "create") throw createRefused;
    // Over a room limit, joinOrCreate still joins an open room; it only may not make one.
    try {
      return await matchMaker.join(roomName, options as matchMaker.ClientOptions, context);
    } catch (error) {
      if (error instanceof ServerError && error.code === ErrorCode.MATCHMAKE_INVALID_CRITERIA) throw createRefused;
      throw error;
    }
  }

  /** A room was created on this process, by the call running now if any (the room's "create" event). */
  roomCreated(room: Room): void {
    const creator = this.creating.getStore();
    if (creator) this.limits.roomCreated(room.roomId, creator);
  }

  roomDisposed(room: Room): void {
    this.limits.roomDisposed(room.roomId);
  }
}

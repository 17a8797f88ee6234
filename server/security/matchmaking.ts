/**
 * The per-address and per-identity limits at matchmaking, before a seat is reserved: sockets and chat
 * channels per address, rooms created per address, per player id and per process. Also where the
 * client's address (TRUSTED_PROXY) and bearer token (any case of "Bearer") are settled for onAuth.
 */
import { ErrorCode, ServerError, matchMaker, type AuthContext, type Room } from "@colyseus/core";
import { decodeJwt } from "jose";
import { AsyncLocalStorage } from "node:async_hooks";
import { normaliseAddress } from "../config/limits";
import { RoomName } from "../shared/protocol";
import type { AddressLimits, Creator } from "./addressLimits";
import { clientAddress } from "./clientAddress";

type Call = (roomName: string, options: unknown, auth: AuthContext) => Promise<unknown>;

interface Guard {
  limits: AddressLimits;
  /** Signed tokens in use: a token's `sub` is a player id worth counting rooms by. */
  identities: boolean;
}

/** The guard of the server being built (createTransport sets it; matchMaker.controller is one per process). */
let guard: Guard | undefined;
/** Who the matchmaking call running now is for, so the room's "create" event can name its creator. */
const creating = new AsyncLocalStorage<Creator>();

export function useMatchmakingLimits(limits: AddressLimits, identities: boolean): void {
  guard = { limits, identities };
}

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

async function targetRoomName(method: string, roomNameOrId: string): Promise<string | undefined> {
  if (method !== "joinById" && method !== "reconnect") return roomNameOrId;
  return (await matchMaker.query({ roomId: roomNameOrId }))[0]?.name;
}

/** Runs one exposed matchmaking method (`call`) within the limits; a refusal is a LimitRefusal ServerError. */
export async function withinLimits(method: string, roomName: string, options: unknown, auth: AuthContext, call: Call): Promise<unknown> {
  if (guard === undefined) return call(roomName, options, auth);
  const { limits, identities } = guard;
  const address = auth.req ? clientAddress(auth.req, limits.limits.trustedProxies) : normaliseAddress(String(auth.ip ?? "unknown"));
  // Colyseus believes any X-Forwarded-For and only a capitalised "Bearer".
  const token = bearerToken(auth.headers?.authorization);
  const context: AuthContext = { ...auth, ip: address, token };

  const chat = (await targetRoomName(method, roomName)) === RoomName.chat;
  const socketRefused = limits.socketRefusal(address, chat);
  if (socketRefused) throw socketRefused;
  if (method !== "create" && method !== "joinOrCreate") return call(roomName, options, context);

  const creator: Creator = { address, playerId: identities ? subjectOf(token) : undefined };
  const createRefused = limits.createRefusal(creator, matchMaker.stats.local.roomCount);
  if (createRefused === undefined) return creating.run(creator, () => call(roomName, options, context));
  if (method === "create") throw createRefused;
  // Over a room limit, joinOrCreate still joins an open room; it only may not make one.
  try {
    return await matchMaker.join(roomName, options as matchMaker.ClientOptions, context);
  } catch (error) {
    if (error instanceof ServerError && error.code === ErrorCode.MATCHMAKE_INVALID_CRITERIA) throw createRefused;
    throw error;
  }
}

/** observeRooms (server/ops/rooms.ts): a room was created on this process, by the call running now if any. */
export function noteRoomCreated(room: Room): void {
  const creator = creating.getStore();
  if (creator && guard) guard.limits.roomCreated(room.roomId, creator);
}

export function noteRoomDisposed(room: Room): void {
  guard?.limits.roomDisposed(room.roomId);
}

/**
 * A reconnection is bound to the identity of the seat it reopens. Colyseus 0.16 runs no onAuth on a
 * reconnection (MatchMaker.reconnect, Room._onJoin for a waiting seat): whoever holds a reconnection
 * token gets the seat. In auth mode the token's `sub` must be the seat's player, checked at the
 * matchmaking `reconnect` call and again at the socket's upgrade. Guests get a fresh id per join,
 * so for them the reconnection token stays the only proof.
 */
import { ServerError } from "@colyseus/core";
import type { Identity } from "../auth/identity";
import { JOIN_NOT_YOUR_SEAT } from "../shared/codes";

/** The room method (GuardedRoom.seatPlayer) naming the player whose seat a reconnection token reopens; callable across processes. */
export const SEAT_PLAYER_METHOD = "seatPlayer";

/** A room that can say whose seat a reconnection token reopens. */
export interface SeatOwners {
  seatPlayer(reconnectionToken: string): string | undefined;
}

/** Why `identity` may not reopen the seat of `seatPlayer` (undefined: no seat waits for that token; Colyseus refuses it). */
export function notYourSeat(identity: Identity, seatPlayer: string | undefined): ServerError | undefined {
  if (identity.guest || seatPlayer === undefined || seatPlayer === identity.playerId) return undefined;
  return new ServerError(JOIN_NOT_YOUR_SEAT, "this seat belongs to another player: join the room instead");
}

/** The seat owner of a room instance, when the room can tell (our guarded rooms can). */
export function seatOwners(room: unknown): SeatOwners | undefined {
  const candidate = room as Partial<SeatOwners> | undefined;
  return typeof candidate?.seatPlayer === "function" ? (candidate as SeatOwners) : undefined;
}

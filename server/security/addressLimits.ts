/**
 * Per-address, per-identity and per-process limits: open sockets and chat channels per address,
 * matchmaking requests per address per second, open rooms created per address and per player id, open
 * rooms per process. Numbers from settings (server/config/serverLimits.ts); refusal codes: LimitRefusal.
 */
import { ServerError } from "@colyseus/core";
import type { ServerLimits } from "../config/serverLimits";
import { LimitRefusal } from "../shared/codes";
import { MAX_UNACKED_SOCKETS, ROOM_SHARE_OF_FREE, ROOMS_HEADROOM_FRACTION, SEAT_RESERVATION_S, TRACKED_ADDRESSES_MAX } from "../shared/limits";
import { BoundedMap } from "../shared/lru";
import { TokenBucket, type Clock } from "../shared/tokenBucket";
import type { Metrics } from "../telemetry/metrics";

/** What one address holds right now. */
interface AddressUse {
  sockets: number;
  chatSockets: number;
  roomsCreated: number;
  /** Sockets sent JOIN_ROOM that have not acknowledged it. */
  unacked: number;
  /** Seats reserved at matchmaking (or being reserved) that no socket claimed yet: they count as sockets. */
  reserved: number;
  /** ...of which in chat rooms. */
  reservedChat: number;
  /** Rooms being created by a matchmaking call still running: they count as created. */
  creating: number;
}

/** A seat reserved for `address`, counted until a socket claims it or it expires. */
interface Reservation {
  address: string;
  chat: boolean;
  expiresAt: number;
}

/** What a new room would be: a public battle (or the lobby) may open in the headroom; a private battle or a chat channel may not. */
export type RoomKind = "public" | "other";

/** Who asked for a room: counted against both when the call creates one. */
export interface Creator {
  address: string;
  /** A signed token's player id; undefined for guests (their id is new with every join). */
  playerId: string | undefined;
}

export class AddressLimits {
  private readonly use = new BoundedMap<string, AddressUse>(TRACKED_ADDRESSES_MAX);
  private readonly matchmakeBuckets = new BoundedMap<string, TokenBucket>(TRACKED_ADDRESSES_MAX);
  private readonly roomsByPlayer = new BoundedMap<string, number>(TRACKED_ADDRESSES_MAX);
  /** roomId -> who created it, while it is open on this process. */
  private readonly creators = new Map<string, Creator>();
  /** Unclaimed seats by sessionId, oldest first (they expire in that order). */
  private readonly reservations = new Map<string, Reservation>();
  private unackedTotal = 0;

  constructor(
    readonly limits: ServerLimits,
    private readonly metrics: Metrics,
    private readonly now: Clock = () => performance.now(),
  ) {}

  /** A ServerError with its LimitRefusal code, counted in /metrics by limit. */
  private refusal(code: LimitRefusal, message: string): ServerError {
    this.metrics.countLimitRefusal(code);
    return new ServerError(code, message);
  }

  private useOf(address: string): AddressUse {
    let use = this.use.get(address);
    if (!use) this.use.set(address, (use = { sockets: 0, chatSockets: 0, roomsCreated: 0, unacked: 0, reserved: 0, reservedChat: 0, creating: 0 }));
    return use;
  }

  /** One more matchmaking request from `address`: false when over MATCHMAKE_PER_ADDRESS_PER_S. */
  admitMatchmake(address: string): boolean {
    let bucket = this.matchmakeBuckets.get(address);
    if (!bucket) {
      bucket = new TokenBucket({ perSecond: this.limits.matchmakePerSecond, burst: this.limits.matchmakeBurst }, this.now());
      this.matchmakeBuckets.set(address, bucket);
    }
    if (bucket.take(this.now())) return true;
    this.metrics.countLimitRefusal(LimitRefusal.matchmakeRate);
    return false;
  }

  /** The refusal for one more socket of `address` (into a chat room when `chat`), or undefined. */
  socketRefusal(address: string, chat: boolean): ServerError | undefined {
    const use = this.use.get(address);
    if (!use) return undefined;
    const { socketsPerAddress, chatChannelsPerAddress } = this.limits;
    // Seats reserved and not yet claimed count too: parallel joins must not all pass before any socket opens.
    if (use.sockets + use.reserved >= socketsPerAddress) {
      return this.refusal(LimitRefusal.socketsPerAddress, `too many connections from your address (at most ${socketsPerAddress})`);
    }
    if (chat && use.chatSockets + use.reservedChat >= chatChannelsPerAddress) {
      return this.refusal(LimitRefusal.chatChannels, `too many chat channels open from your address (at most ${chatChannelsPerAddress})`);
    }
    return undefined;
  }

  /** A socket of `address` opened; call the returned function once when it closes. */
  socketOpened(address: string, chat: boolean): () => void {
    const use = this.useOf(address);
    use.sockets++;
    if (chat) use.chatSockets++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      // The entry may have been forgotten (TRACKED_ADDRESSES_MAX) and made again: never below zero.
      const now = this.useOf(address);
      now.sockets = Math.max(0, now.sockets - 1);
      if (chat) now.chatSockets = Math.max(0, now.chatSockets - 1);
    };
  }

  /** Why one more socket of `address` may not wait for its JOIN_ROOM acknowledgement, or undefined. */
  unackedRefusal(address: string): "per_address" | "per_process" | undefined {
    if (this.unackedTotal >= MAX_UNACKED_SOCKETS) return "per_process";
    return (this.use.get(address)?.unacked ?? 0) >= this.limits.unackedSocketsPerAddress ? "per_address" : undefined;
  }

  /** A socket of `address` will be sent JOIN_ROOM; call the returned function once it acknowledges or closes. */
  unackedOpened(address: string): () => void {
    this.useOf(address).unacked++;
    this.unackedTotal++;
    let waiting = true;
    return () => {
      if (!waiting) return;
      waiting = false;
      this.unackedTotal--;
      const use = this.useOf(address);
      use.unacked = Math.max(0, use.unacked - 1);
    };
  }

  /** The refusal for one more seat reserved for `address` while it holds SEAT_RESERVATIONS_PER_ADDRESS unclaimed ones, or undefined. */
  reservationRefusal(address: string): ServerError | undefined {
    this.expireReservations();
    const cap = this.limits.seatReservationsPerAddress;
    if ((this.use.get(address)?.reserved ?? 0) < cap) return undefined;
    return this.refusal(LimitRefusal.seatReservations, `too many seats reserved and not yet taken from your address (at most ${cap})`);
  }

  /**
   * A seat is being reserved for `address` (counted from now, so parallel calls see each other);
   * call the returned function with the sessionId it got, or undefined when it got none.
   */
  seatReserving(address: string, chat: boolean): (sessionId: string | undefined) => void {
    const use = this.useOf(address);
    use.reserved++;
    if (chat) use.reservedChat++;
    return (sessionId) => {
      if (sessionId !== undefined) return void this.reservations.set(sessionId, { address, chat, expiresAt: this.now() + SEAT_RESERVATION_S * 1000 });
      this.unreserve(address, chat);
    };
  }

  private unreserve(address: string, chat: boolean): void {
    const use = this.useOf(address);
    use.reserved = Math.max(0, use.reserved - 1);
    if (chat) use.reservedChat = Math.max(0, use.reservedChat - 1);
  }

  /** A room is being created for `address` by a call still running: counted until `done`. */
  creatingRoom(address: string): () => void {
    this.useOf(address).creating++;
    let running = true;
    return () => {
      if (!running) return;
      running = false;
      const use = this.useOf(address);
      use.creating = Math.max(0, use.creating - 1);
    };
  }

  /** A socket claimed the seat of `sessionId` (or tried to: either way it is no longer waiting). */
  seatClaimed(sessionId: string): void {
    const reservation = this.reservations.get(sessionId);
    if (!reservation) return;
    this.reservations.delete(sessionId);
    this.unreserve(reservation.address, reservation.chat);
  }

  private expireReservations(): void {
    const now = this.now();
    for (const [sessionId, reservation] of this.reservations) {
      if (reservation.expiresAt > now) break;
      this.seatClaimed(sessionId);
    }
  }

  /**
   * The refusal for a new room asked for by `creator` on a process holding `localRooms`, or
   * undefined when it may create one. A joinOrCreate over a limit may still join an open room.
   */
  createRefusal(creator: Creator, localRooms: number, kind: RoomKind = "public"): ServerError | undefined {
    const { roomsPerAddress, roomsPerIdentity, maxRooms } = this.limits;
    const headroom = Math.max(1, Math.ceil(maxRooms * ROOMS_HEADROOM_FRACTION));
    if (localRooms >= maxRooms || (kind === "other" && localRooms >= maxRooms - headroom)) {
      const what = kind === "other" ? "private battle or chat channel" : "room";
      return this.refusal(LimitRefusal.roomsPerProcess, `this server is full: no new ${what} can open now (join an open battle, or try later)`);
    }
    const use = this.use.get(creator.address);
    const held = (use?.roomsCreated ?? 0) + (use?.creating ?? 0);
    const share = Math.min(roomsPerAddress, Math.max(1, Math.floor((maxRooms - localRooms) * ROOM_SHARE_OF_FREE)));
    if (held >= share && share < roomsPerAddress) {
      return this.refusal(LimitRefusal.roomShare, `this server is busy: your address holds its share of the rooms still free (${share})`);
    }
    if (held >= roomsPerAddress) {
      return this.refusal(LimitRefusal.roomsPerAddress, `your address has created too many open rooms (at most ${roomsPerAddress})`);
    }
    if (creator.playerId !== undefined && (this.roomsByPlayer.get(creator.playerId) ?? 0) >= roomsPerIdentity) {
      return this.refusal(LimitRefusal.roomsPerIdentity, `you have created too many open rooms (at most ${roomsPerIdentity})`);
    }
    return undefined;
  }

  /** A room created on this process for `creator` (matchmaking of this process). */
  roomCreated(roomId: string, creator: Creator): void {
    this.creators.set(roomId, creator);
    this.useOf(creator.address).roomsCreated++;
    if (creator.playerId !== undefined) this.roomsByPlayer.set(creator.playerId, (this.roomsByPlayer.get(creator.playerId) ?? 0) + 1);
  }

  roomDisposed(roomId: string): void {
    const creator = this.creators.get(roomId);
    if (!creator) return;
    this.creators.delete(roomId);
    const use = this.useOf(creator.address);
    use.roomsCreated = Math.max(0, use.roomsCreated - 1);
    if (creator.playerId === undefined) return;
    const left = (this.roomsByPlayer.get(creator.playerId) ?? 1) - 1;
    if (left > 0) this.roomsByPlayer.set(creator.playerId, left);
    else this.roomsByPlayer.delete(creator.playerId);
  }
}

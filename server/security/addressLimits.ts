/**
 * Per-address, per-identity and per-process limits: open sockets and chat channels per address,
 * matchmaking requests per address per second, open rooms created per address and per player id, open
 * rooms per process. Numbers from settings (server/config/serverLimits.ts); refusal codes: LimitRefusal.
 */
import { ServerError } from "@colyseus/core";
import type { ServerLimits } from "../config/serverLimits";
import { LimitRefusal } from "../shared/codes";
import { TRACKED_ADDRESSES_MAX } from "../shared/limits";
import { BoundedMap } from "../shared/lru";
import { TokenBucket, type Clock } from "../shared/tokenBucket";
import type { Metrics } from "../telemetry/metrics";

/** What one address holds right now. */
interface AddressUse {
  sockets: number;
  chatSockets: number;
  roomsCreated: number;
}

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
    if (!use) this.use.set(address, (use = { sockets: 0, chatSockets: 0, roomsCreated: 0 }));
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
    if (use.sockets >= socketsPerAddress) {
      return this.refusal(LimitRefusal.socketsPerAddress, `too many connections from your address (at most ${socketsPerAddress})`);
    }
    if (chat && use.chatSockets >= chatChannelsPerAddress) {
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

  /**
   * The refusal for a new room asked for by `creator` on a process holding `localRooms`, or
   * undefined when it may create one. A joinOrCreate over a limit may still join an open room.
   */
  createRefusal(creator: Creator, localRooms: number): ServerError | undefined {
    const { roomsPerAddress, roomsPerIdentity, maxRooms } = this.limits;
    if (localRooms >= maxRooms) {
      return this.refusal(LimitRefusal.roomsPerProcess, `this server has too many rooms open (at most ${maxRooms}): join an open one or try later`);
    }
    if ((this.use.get(creator.address)?.roomsCreated ?? 0) >= roomsPerAddress) {
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

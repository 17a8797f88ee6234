/**
 * Per-address, per-identity and per-process limits, and who may name a client's address, from the
 * environment; read by readSettings (./index.ts). Defaults: server/shared/limits.ts.
 *
 * MAX_SOCKETS                open sockets of this process
 * MAX_HTTP_CONNECTIONS       open HTTP connections of this process (not yet upgraded to a WebSocket)
 * HTTP_CONNECTIONS_PER_ADDRESS  open HTTP connections of one address
 * MAX_SOCKETS_PER_ADDRESS    open sockets of one address
 * MATCHMAKE_PER_ADDRESS_PER_S  matchmaking requests of one address per second (burst: twice that)
 * ROOMS_PER_ADDRESS          open rooms one address created
 * ROOMS_PER_IDENTITY         open rooms one player id created
 * MAX_ROOMS                  open rooms of this process
 * MAX_BOTS                   server-side bots this process runs at once
 * CHAT_CHANNELS_PER_ADDRESS  chat channels one address is in
 * UNACKED_SOCKETS_PER_ADDRESS  sockets of one address waiting to acknowledge JOIN_ROOM
 * SEAT_RESERVATIONS_PER_ADDRESS  seats reserved for one address and not yet claimed
 * TRUSTED_PROXY              comma-separated IP addresses of the reverse proxies whose X-Forwarded-For is believed
 * IPV6_PREFIX_BITS           an IPv6 client is its network of this many bits in every per-address table (16-128)
 */
import { isIP } from "node:net";
import { ConfigError } from "./error";
import {
  CHAT_CHANNELS_PER_ADDRESS,
  HTTP_CONNECTIONS_PER_ADDRESS,
  IPV6_PREFIX_BITS,
  JOIN_ACK_DEADLINE_MS,
  MATCHMAKE_PER_ADDRESS_PER_S,
  MAX_HTTP_CONNECTIONS,
  MAX_OPEN_SOCKETS,
  MAX_BOTS_PER_PROCESS,
  MAX_ROOMS_PER_PROCESS,
  MAX_SOCKETS_PER_ADDRESS,
  OUTGOING_DRAINED_BYTES,
  OUTGOING_MAX_BYTES,
  OUTGOING_STALL_MS,
  ROOMS_PER_ADDRESS,
  ROOMS_PER_IDENTITY,
  SEAT_RESERVATIONS_PER_ADDRESS,
  UNACKED_SOCKETS_PER_ADDRESS,
  WIRE_BYTE_BURST,
  WIRE_BYTES_PER_S,
  WIRE_FRAME_BURST,
  WIRE_FRAMES_PER_S,
} from "../shared/limits";

/** What may wait to be sent to one client (server/security/backpressure.ts); no variable sets it, test rigs shorten it. */
export interface OutgoingLimits {
  maxBytes: number;
  stallMs: number;
  drainedBytes: number;
  joinAckMs: number;
}

export const DEFAULT_OUTGOING_LIMITS: OutgoingLimits = {
  maxBytes: OUTGOING_MAX_BYTES,
  stallMs: OUTGOING_STALL_MS,
  drainedBytes: OUTGOING_DRAINED_BYTES,
  joinAckMs: JOIN_ACK_DEADLINE_MS,
};

/** What one connection may send before any decoding (server/security/wireGuard.ts); RATE_LIMIT_SCALE multiplies it, test rigs tune it. */
export interface WireBudget {
  framesPerSecond: number;
  frameBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
}

export const DEFAULT_WIRE_BUDGET: WireBudget = {
  framesPerSecond: WIRE_FRAMES_PER_S,
  frameBurst: WIRE_FRAME_BURST,
  bytesPerSecond: WIRE_BYTES_PER_S,
  byteBurst: WIRE_BYTE_BURST,
};

export interface ServerLimits {
  maxSockets: number;
  maxHttpConnections: number;
  httpConnectionsPerAddress: number;
  socketsPerAddress: number;
  matchmakePerSecond: number;
  /** Twice the rate: a page load joins the lobby, a battle and its chat at once. */
  matchmakeBurst: number;
  roomsPerAddress: number;
  roomsPerIdentity: number;
  maxRooms: number;
  maxBots: number;
  chatChannelsPerAddress: number;
  unackedSocketsPerAddress: number;
  seatReservationsPerAddress: number;
  /** TRUSTED_PROXY, normalised (IPv4-mapped IPv6 as plain IPv4). */
  trustedProxies: ReadonlySet<string>;
  /** IPV6_PREFIX_BITS: the IPv6 network one client is keyed by (server/security/clientAddress.ts addressKey). */
  ipv6PrefixBits: number;
  outgoing: OutgoingLimits;
  wire: WireBudget;
}

type Vars = { get(name: string): { default(value: string): { asIntPositive(): number } } };

export function readLimits(vars: Vars, trustedProxy: string | undefined): ServerLimits {
  const int = (name: string, fallback: number) => {
    const value = vars.get(name).default(String(fallback)).asIntPositive();
    // Zero would refuse every player: surely a mistake.
    if (value < 1) throw new ConfigError(`"${name}" must be a whole number of at least 1`);
    return value;
  };
  const matchmakePerSecond = int("MATCHMAKE_PER_ADDRESS_PER_S", MATCHMAKE_PER_ADDRESS_PER_S);
  return {
    maxSockets: int("MAX_SOCKETS", MAX_OPEN_SOCKETS),
    maxHttpConnections: int("MAX_HTTP_CONNECTIONS", MAX_HTTP_CONNECTIONS),
    httpConnectionsPerAddress: int("HTTP_CONNECTIONS_PER_ADDRESS", HTTP_CONNECTIONS_PER_ADDRESS),
    socketsPerAddress: int("MAX_SOCKETS_PER_ADDRESS", MAX_SOCKETS_PER_ADDRESS),
    matchmakePerSecond,
    matchmakeBurst: 2 * matchmakePerSecond,
    roomsPerAddress: int("ROOMS_PER_ADDRESS", ROOMS_PER_ADDRESS),
    roomsPerIdentity: int("ROOMS_PER_IDENTITY", ROOMS_PER_IDENTITY),
    maxRooms: int("MAX_ROOMS", MAX_ROOMS_PER_PROCESS),
    maxBots: int("MAX_BOTS", MAX_BOTS_PER_PROCESS),
    chatChannelsPerAddress: int("CHAT_CHANNELS_PER_ADDRESS", CHAT_CHANNELS_PER_ADDRESS),
    unackedSocketsPerAddress: int("UNACKED_SOCKETS_PER_ADDRESS", UNACKED_SOCKETS_PER_ADDRESS),
    seatReservationsPerAddress: int("SEAT_RESERVATIONS_PER_ADDRESS", SEAT_RESERVATIONS_PER_ADDRESS),
    trustedProxies: readTrustedProxies(trustedProxy),
    ipv6PrefixBits: readPrefixBits(int("IPV6_PREFIX_BITS", IPV6_PREFIX_BITS)),
    outgoing: { ...DEFAULT_OUTGOING_LIMITS },
    wire: { ...DEFAULT_WIRE_BUDGET },
  };
}

/** An address as the socket reports it, with IPv4-mapped IPv6 (::ffff:1.2.3.4) written as IPv4. */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim();
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed.toLowerCase();
}

/** Shorter than a /16 would make whole providers one client; 128 keys every address apart. */
const IPV6_PREFIX_BITS_MIN = 16;
function readPrefixBits(bits: number): number {
  if (bits < IPV6_PREFIX_BITS_MIN || bits > 128) throw new ConfigError(`"IPV6_PREFIX_BITS" must be from ${IPV6_PREFIX_BITS_MIN} to 128`);
  return bits;
}

function readTrustedProxies(value: string | undefined): ReadonlySet<string> {
  const proxies = new Set<string>();
  for (const entry of (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    if (isIP(entry) === 0) throw new ConfigError(`"TRUSTED_PROXY": "${entry.slice(0, 64)}" is not an IP address (a comma-separated list of addresses)`);
    proxies.add(normaliseAddress(entry));
  }
  return proxies;
}

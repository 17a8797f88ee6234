/**
 * Bans: a player id, or an address or prefix (for guests, whose id is new at every join), refused
 * at every join and reconnection until a time, for a reason. Kept in the moderation hashes
 * (./moderationKeys.ts), so a ban given on one process holds on every process and region.
 * Addresses are the per-address keys of server/security/clientAddress.ts: an IPv4 address as it is,
 * an IPv6 client as its /IPV6_PREFIX_BITS.
 */
import { ServerError, matchMaker } from "@colyseus/core";
import ipaddr from "ipaddr.js";
import { isIP } from "node:net";
import { JOIN_BANNED, RefusalCode, type Refusal } from "../shared/codes";
import { BANS_MAX, BAN_LOOKUP_MS, BAN_MAX_S, BAN_PREFIX_MIN_BITS_V4, BAN_PREFIX_MIN_BITS_V6, MODERATION_REASON_MAX_CHARS, PLAYER_ID_MAX_CHARS } from "../shared/limits";
import { readAll, readOne, type ModerationKeys } from "./moderationKeys";

/** A ban in force: `target` is a player id or a network written `address/bits`. */
export interface Ban {
  kind: "player" | "address";
  target: string;
  /** UTC ms. */
  until: number;
  reason: string;
  by: string;
  at: number;
}

export type BanTarget = { kind: "player"; target: string } | { kind: "address"; target: string; family: 4 | 6; bits: number };
type Parsed<T> = { ok: true; value: T } | Refusal;

const BANS = "moderation:bans";
/** The prefix lengths some address ban uses ("4:24"), so a join looks up one network per length in use. */
const BAN_LENGTHS = "moderation:ban-lengths";
const fieldOf = (target: BanTarget) => `${target.kind === "player" ? "p" : "a"}:${target.target}`;
const refused = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

/** The network of `address` at `bits`, written `address/bits`. */
function networkOf(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): string {
  const bytes = address.toByteArray();
  for (let bit = bits; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  const network = ipaddr.fromByteArray(bytes);
  return `${network.kind() === "ipv6" ? (network as ipaddr.IPv6).toRFC5952String() : network.toString()}/${bits}`;
}

/** Whether the per-address key `address` (an IPv4 address, or an IPv6 `network/bits`) is inside `network` (`address/bits`). */
export function addressInNetwork(address: string, network: string): boolean {
  const host = address.split("/")[0] ?? "";
  const bits = Number(network.split("/")[1]);
  if (isIP(host) === 0 || !Number.isInteger(bits)) return false;
  const parsed = ipaddr.parse(host);
  if (bits > parsed.toByteArray().length * 8) return false;
  return networkOf(parsed, bits) === network;
}

/** A moderator's ban target: a player id, or an address or `address/bits` prefix (within BAN_PREFIX_MIN_BITS_*). */
export function parseBanTarget(kind: unknown, value: unknown, ipv6PrefixBits: number): Parsed<BanTarget> {
  if (typeof value !== "string" || value.trim().length === 0 || value.length > PLAYER_ID_MAX_CHARS) {
    return refused(RefusalCode.invalidPayload, `the ban target must be 1 to ${PLAYER_ID_MAX_CHARS} characters`);
  }
  if (kind === "player") return { ok: true, value: { kind, target: value } };
  if (kind !== "address") return refused(RefusalCode.invalidPayload, 'the ban kind must be "player" or "address"');
  const [host = "", prefix] = value.trim().split("/");
  // Node's own test: strict dotted quads only (ipaddr.js also takes "1.2.3").
  if (isIP(host) === 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
    return refused(RefusalCode.invalidPayload, "the address must be an IPv4 or IPv6 address, or a prefix such as 203.0.113.0/24");
  }
  const parsed = ipaddr.parse(host);
  const address = parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  const v4 = address.kind() === "ipv4";
  const full = v4 ? 32 : 128;
  const given = prefix === undefined ? full : Number(prefix);
  const min = v4 ? BAN_PREFIX_MIN_BITS_V4 : BAN_PREFIX_MIN_BITS_V6;
  if (given < min || given > full) return refused(RefusalCode.invalidPayload, `an IPv${v4 ? 4 : 6} prefix must be /${min} to /${full}`);
  const bits = Math.min(given, v4 ? 32 : ipv6PrefixBits);
  return { ok: true, value: { kind: "address", target: networkOf(address, bits), family: v4 ? 4 : 6, bits } };
}

/** A ban's length in seconds: absent means BAN_MAX_S. */
export function parseBanSeconds(seconds: unknown): Parsed<number> {
  const value = seconds === undefined || seconds === "" ? BAN_MAX_S : Number(seconds);
  if (!Number.isFinite(value) || value <= 0 || value > BAN_MAX_S) return refused(RefusalCode.invalidPayload, `the ban's seconds must be above 0 and at most ${BAN_MAX_S}`);
  return { ok: true, value };
}

/** A moderator's reason: trimmed, cut to MODERATION_REASON_MAX_CHARS. */
export function parseReason(reason: unknown): string {
  return typeof reason === "string" ? reason.trim().slice(0, MODERATION_REASON_MAX_CHARS) : "";
}

/** The refusal of a banned join: its message ends with the ban's end in ISO 8601 UTC (the client shows it in the player's time zone). */
export function bannedJoin(ban: Ban): ServerError {
  return new ServerError(JOIN_BANNED, `banned by a moderator${ban.reason ? ` (${ban.reason})` : ""} until ${new Date(ban.until).toISOString()}`);
}

/**
 * The matchmaking guard's check of every arrival (server/security/matchmaking.ts): the address's
 * bans for any method, and for a reconnection (where Colyseus runs no onAuth) the bans of the player
 * whose seat the token holds, asked of its room on whichever process it lives.
 */
export async function refuseBannedArrival(bans: Bans, address: string, method: string, roomNameOrId: string, options: unknown): Promise<void> {
  let playerId: string | undefined;
  if (method === "reconnect") {
    const token = (options as { reconnectionToken?: unknown } | undefined)?.reconnectionToken;
    const found: unknown = await matchMaker.remoteRoomCall(roomNameOrId, "reconnectingPlayer", [token]).catch(() => undefined);
    if (typeof found === "string") playerId = found;
  }
  const ban = await bans.banAtJoin(playerId, address, Date.now());
  if (ban) throw bannedJoin(ban);
}

export class Bans {
  constructor(
    private readonly keys: ModerationKeys,
    private readonly ipv6PrefixBits: number,
    /** Told when a join's lookup failed or passed BAN_LOOKUP_MS, and the join went on unchecked. */
    private readonly unchecked: (error: unknown) => void = () => {},
  ) {}

  /**
   * The ban a join meets (`banOf`), waiting at most BAN_LOOKUP_MS: without an answer from the store
   * the join goes on, so an outage of the chat Redis costs bans, not battles.
   */
  async banAtJoin(playerId: string | undefined, address: string, now: number): Promise<Ban | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${BAN_LOOKUP_MS} ms`)), BAN_LOOKUP_MS);
    });
    try {
      return await Promise.race([this.banOf(playerId, address, now), deadline]);
    } catch (error) {
      this.unchecked(error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Bans `target` until `now + seconds`; refused when BANS_MAX bans are in force. Banning again replaces the ban. */
  async add(target: BanTarget, seconds: number, reason: string, by: string, now: number): Promise<{ ok: true; ban: Ban } | Refusal> {
    const field = fieldOf(target);
    const replacing = (await this.keys.hget(BANS, field)) != null;
    if (!replacing && (await this.keys.hlen(BANS)) >= BANS_MAX && (await this.sweep(now)) >= BANS_MAX) {
      return refused(RefusalCode.banListFull, `${BANS_MAX} bans are in force: lift some first`);
    }
    const ban: Ban = { kind: target.kind, target: target.target, until: now + seconds * 1000, reason, by, at: now };
    await this.keys.hset(BANS, field, JSON.stringify(ban));
    if (target.kind === "address") await this.keys.hset(BAN_LENGTHS, `${target.family}:${target.bits}`, "1");
    return { ok: true, ban };
  }

  /** Lifts a ban; refused when there is none in force. */
  async remove(target: BanTarget, now: number): Promise<{ ok: true; ban: Ban } | Refusal> {
    const field = fieldOf(target);
    const ban = await readOne<Ban>(this.keys, BANS, field);
    await this.keys.hdel(BANS, field);
    if (!ban || ban.until <= now) return refused(RefusalCode.notBanned, "no such ban in force");
    return { ok: true, ban };
  }

  /** Every ban in force, ending soonest first (expired ones are deleted on the way). */
  async list(now: number): Promise<Ban[]> {
    await this.sweep(now);
    return (await readAll<Ban>(this.keys, BANS)).map((entry) => entry.value).sort((a, b) => a.until - b.until);
  }

  /**
   * The ban a join of `playerId` from the per-address key `address` meets, if any: one lookup for
   * the player id and one per prefix length in use, whatever the number of bans.
   */
  async banOf(playerId: string | undefined, address: string, now: number): Promise<Ban | undefined> {
    const fields = playerId === undefined ? [] : [fieldOf({ kind: "player", target: playerId })];
    const host = address.split("/")[0] ?? "";
    if (isIP(host) !== 0) {
      const parsed = ipaddr.parse(host);
      const lengths = Object.keys((await this.keys.hgetall(BAN_LENGTHS)) ?? {});
      for (const length of lengths) {
        const [family, bits] = length.split(":").map(Number);
        const v4 = parsed.kind() === "ipv4";
        if (family !== (v4 ? 4 : 6) || !Number.isInteger(bits) || bits! > (v4 ? 32 : this.ipv6PrefixBits)) continue;
        fields.push(`a:${networkOf(parsed, bits!)}`);
      }
    }
    const bans = await Promise.all(fields.map((field) => readOne<Ban>(this.keys, BANS, field)));
    return bans.filter((ban): ban is Ban => ban !== undefined && ban.until > now).sort((a, b) => b.until - a.until)[0];
  }

  /**
   * Deletes expired bans; resolves with the bans left. Prefix lengths stay listed (at most 17 IPv4
   * and 33 IPv6 ones): deleting one could race a ban of that length given meanwhile on another process.
   */
  private async sweep(now: number): Promise<number> {
    let left = 0;
    for (const { field, value } of await readAll<Ban>(this.keys, BANS)) {
      if (value.until > now) left++;
      else await this.keys.hdel(BANS, field);
    }
    return left;
  }
}

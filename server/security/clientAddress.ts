import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { normaliseAddress, type ServerLimits } from "../config/serverLimits";

/**
 * The address a request comes from: the socket's peer, or, when that peer is a TRUSTED_PROXY, the
 * nearest X-Forwarded-For entry that is not itself a trusted proxy (each proxy appends the address it
 * saw, so entries further left are whatever the client wrote), or its X-Real-IP when it sends no
 * X-Forwarded-For. Anyone else's headers are ignored.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = normaliseAddress(req.socket.remoteAddress ?? "unknown");
  if (!trustedProxies.has(peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  if (header === undefined) {
    // A proxy that names the client in X-Real-IP only (nginx `proxy_set_header X-Real-IP $remote_addr`).
    const real = normaliseAddress(String(req.headers["x-real-ip"] ?? ""));
    return isIP(real) === 0 ? peer : real;
  }
  const hops = (Array.isArray(header) ? header.join(",") : header).split(",").map(normaliseAddress);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (isIP(hops[i]) === 0) return peer; // a malformed hop: nothing to its left can be believed
    if (!trustedProxies.has(hops[i])) return hops[i];
  }
  return peer;
}

/**
 * What every per-address table keys on (sockets, HTTP connections, matchmaking, rooms, channels,
 * seats, the admin throttle, chat flood keys and mutes): an IPv4 address as it is (IPv4-mapped IPv6
 * too), an IPv6 address as its network of `ipv6PrefixBits` (IPV6_PREFIX_BITS, 64 by default: one
 * host is usually given a whole /64, so its 2^64 addresses are one client), written `2001:db8::/64`.
 * Anything that is not an address (a test's "unknown") stays as it is.
 */
export function addressKey(address: string, ipv6PrefixBits: number): string {
  const trimmed = address.trim().replace(/%.*$/, ""); // a zone (fe80::1%eth0) names no other host
  // Node's own test: strict dotted quads only (ipaddr.js also takes "127.1").
  if (isIP(trimmed) === 0) return address;
  const parsed = ipaddr.parse(trimmed);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const bytes = v6.toByteArray();
  for (let bit = ipv6PrefixBits; bit < 128; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return `${(ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String()}/${ipv6PrefixBits}`;
}

/** The per-address key of whoever sent `req` ({@link clientAddress}, then {@link addressKey}). */
export function clientKey(req: IncomingMessage, limits: Pick<ServerLimits, "trustedProxies" | "ipv6PrefixBits">): string {
  return addressKey(clientAddress(req, limits.trustedProxies), limits.ipv6PrefixBits);
}

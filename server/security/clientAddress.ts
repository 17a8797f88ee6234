import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { normaliseAddress } from "../config/serverLimits";

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

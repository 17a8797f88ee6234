/**
 * Open HTTP connections, counted where they arrive: every TCP connection of the server is one from
 * its first byte until it closes or is upgraded to a WebSocket (then the socket limits count it).
 * Past MAX_HTTP_CONNECTIONS, or HTTP_CONNECTIONS_PER_ADDRESS for its address (an IPv6 client's /64),
 * a new connection is destroyed before Node parses anything of it. A TRUSTED_PROXY's connections
 * count toward the process's cap only: the proxy must cap its clients (docs/scaling.md). Short
 * header, request and keep-alive timeouts end connections that send nothing, or too slowly.
 */
import type { Server as HttpServer } from "node:http";
import type { Socket } from "node:net";
import { normaliseAddress, type ServerLimits } from "../config/serverLimits";
import { HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_TIMEOUT_CHECK_MS } from "../shared/limits";
import type { Metrics } from "../telemetry/metrics";
import { addressKey } from "./clientAddress";

export class HttpConnections {
  private total = 0;
  /** Open connections by address key; an address with none is not kept, so the map stays within the cap. */
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly limits: Pick<ServerLimits, "maxHttpConnections" | "httpConnectionsPerAddress" | "trustedProxies" | "ipv6PrefixBits">,
    private readonly metrics: Metrics,
  ) {}

  get open(): number {
    return this.total;
  }

  /** Counts `socket` in, or destroys it when a cap is reached; false when refused. */
  admit(socket: Socket): boolean {
    const peer = normaliseAddress(socket.remoteAddress ?? "unknown");
    const key = this.limits.trustedProxies.has(peer) ? undefined : addressKey(peer, this.limits.ipv6PrefixBits);
    const refused =
      this.total >= this.limits.maxHttpConnections ? "per_process" : key !== undefined && (this.byAddress.get(key) ?? 0) >= this.limits.httpConnectionsPerAddress ? "per_address" : undefined;
    if (refused) {
      this.metrics.countHttpConnectionRefusal(refused);
      socket.destroy();
      return false;
    }
    this.total++;
    if (key !== undefined) this.byAddress.set(key, (this.byAddress.get(key) ?? 0) + 1);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      this.total--;
      if (key === undefined) return;
      const left = (this.byAddress.get(key) ?? 1) - 1;
      if (left > 0) this.byAddress.set(key, left);
      else this.byAddress.delete(key);
    };
    socket.once("close", release);
    // An upgraded connection is a WebSocket from here: MAX_SOCKETS and the per-address socket limit count it.
    (socket as Socket & { [UPGRADED]?: () => void })[UPGRADED] = release;
    return true;
  }

  /** `socket` was upgraded to a WebSocket: no longer an HTTP connection. */
  upgraded(socket: Socket): void {
    (socket as Socket & { [UPGRADED]?: () => void })[UPGRADED]?.();
  }
}

const UPGRADED = Symbol("released on upgrade");

/** Counts and caps `server`'s connections and sets its timeouts; call before it listens. */
export function guardConnections(server: HttpServer, connections: HttpConnections): void {
  // First, before Node's own listener sets a parser up for a connection that is refused anyway.
  server.prependListener("connection", (socket: Socket) => connections.admit(socket));
  server.prependListener("upgrade", (_req, socket: Socket) => connections.upgraded(socket));
  server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = HTTP_REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS;
  // Read once, when the server starts listening.
  (server as HttpServer & { connectionsCheckingInterval: number }).connectionsCheckingInterval = HTTP_TIMEOUT_CHECK_MS;
}

import { createServer, request, Agent, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

/**
 * An HTTP proxy on a free loopback port that forwards every request to `targetPort` and refuses
 * every Upgrade with 403, as a corporate proxy or an old middlebox does: WebSockets never open
 * through it, long polling does. `upgrades` counts the refused Upgrades.
 */
export interface NoUpgradeProxy {
  endpoint: string;
  port: number;
  upgrades: number;
  /** Requests forwarded, by path prefix (what a page did after its join). */
  requests: string[];
  close(): Promise<void>;
}

export async function noUpgradeProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<NoUpgradeProxy> {
  const agent = new Agent({ keepAlive: true });
  const state = { upgrades: 0, requests: [] as string[] };
  const server = createServer((req: IncomingMessage, res) => {
    state.requests.push(req.url ?? "");
    const upstream = request({ host: targetHost, port: targetPort, path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("upgrade", (_req: IncomingMessage, socket: Duplex) => {
    state.upgrades++;
    socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get upgrades() {
      return state.upgrades;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A WebSocket for client/transport.ts's TransportChoice that never opens nor fails (a middlebox
 * that swallows the Upgrade); `urls` records the URL of each one made.
 */
export function silentWebSocket(urls: string[] = []) {
  return class SilentWebSocket {
    readyState = 0;
    binaryType = "arraybuffer";
    onopen: ((ev: unknown) => void) | null = null;
    onmessage: ((ev: { data: unknown }) => void) | null = null;
    onclose: ((ev: { code: number; reason: string }) => void) | null = null;
    onerror: ((ev: unknown) => void) | null = null;
    constructor(url: string) {
      urls.push(url);
    }
    send(): void {}
    close(): void {}
  };
}

/** A WebSocket whose network refuses every Upgrade: it errors at once. */
export class RefusedWebSocket extends silentWebSocket() {
  override readyState = 3;
  constructor(url: string) {
    super(url);
    setImmediate(() => this.onerror?.({ type: "error" }));
  }
}

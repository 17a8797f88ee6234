/**
 * The fallback transport: engine.io (HTTP long polling, upgrading to a WebSocket when the network
 * carries one) under FALLBACK_PATH on the same HTTP server, for players whose network refuses
 * WebSockets (docs/protocol.md "Fallback transport"). Each session becomes a FallbackSocket
 * (./fallbackSocket.ts) that joins its room through the WebSocket transport's own connection path
 * (./transport.ts), so every guard applies as to a socket:
 * - the handshake is admitted by the same test as a WebSocket upgrade (origin, MAX_SOCKETS, reserved
 *   seat, sockets and unacknowledged joins per address) and the session counts as a socket until it ends;
 * - every request is a frame and every body byte is charged to the session's wire guard before
 *   engine.io parses it; the front door caps the body (FALLBACK_MAX_BODY_BYTES, chunked or not);
 * - a session that stops polling misses engine.io's heartbeat and our proof of reading, and is closed
 *   like a dropped socket (its seat kept for a reconnection, as for any drop).
 */
import { Server as EngineServer, type Socket as EngineSocket } from "engine.io";
import type { IncomingMessage, RequestListener, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { AllowedOrigins } from "../config/origins";
import { isFallbackReason, isFallbackUrl, joinPathOf, type FallbackReason } from "../shared/fallback";
import {
  FALLBACK_ENGINE_BUFFER_BYTES,
  FALLBACK_PING_INTERVAL_MS,
  FALLBACK_PING_TIMEOUT_MS,
  FALLBACK_UPGRADE_TIMEOUT_MS,
} from "../shared/limits";
import { FallbackSocket } from "./fallbackSocket";

/** The WebSocket transport's verdict on a new connection (the same test verifyClient makes). */
export type Admission =
  | { ok: false; status: number; message: string }
  | { ok: true; acknowledged: () => void; release: () => void };

/** What the fallback needs from the WebSocket transport. */
export interface FallbackHooks {
  origins: AllowedOrigins;
  /** Admits a connection whose Colyseus join URL is `url` (`/<processId>/<roomId>?sessionId=...`). */
  admit(req: IncomingMessage, url: string): Admission;
  /** Joins `socket` to its room as WebSocketTransport.onConnection joins a socket. */
  join(socket: FallbackSocket, req: IncomingMessage, acknowledged: () => void): void;
  /** A handshake refused, for the log. */
  refused(status: number, message: string): void;
  /** A session opened: once per fallback join, with the reason the client gave (`fallback=`). */
  opened(reason: FallbackReason | "unspecified"): void;
}

/** The query parameters of a WebSocket join that a fallback handshake carries. */
const JOIN_PARAMS = ["sessionId", "reconnectionToken", "_authToken"] as const;

/** The Colyseus join URL inside an engine.io request URL (`/eio/<processId>/<roomId>/?EIO=4&sessionId=...`). */
export function joinUrlOf(url: string | undefined): string | undefined {
  const path = joinPathOf(url ?? "");
  if (!path) return undefined;
  const given = new URL(url!, "http://server").searchParams;
  const kept = new URLSearchParams();
  for (const name of JOIN_PARAMS) {
    const value = given.get(name);
    if (value !== null) kept.set(name, value);
  }
  return `${path}?${kept}`;
}

const ADMISSION = Symbol("fallback admission");
type Admitted = IncomingMessage & { [ADMISSION]?: Extract<Admission, { ok: true }> };

export class Fallback {
  private readonly engine: EngineServer;
  /** Open sessions, by engine.io id: they count as sockets. */
  readonly sockets = new Map<string, FallbackSocket>();

  constructor(private readonly hooks: FallbackHooks) {
    this.engine = new EngineServer({
      pingInterval: FALLBACK_PING_INTERVAL_MS,
      pingTimeout: FALLBACK_PING_TIMEOUT_MS,
      upgradeTimeout: FALLBACK_UPGRADE_TIMEOUT_MS,
      maxHttpBufferSize: FALLBACK_ENGINE_BUFFER_BYTES,
      transports: ["polling", "websocket"],
      perMessageDeflate: false,
      httpCompression: false,
      // Origins were checked by the front door (requests) or below (upgrades); cross-region pages join too.
      cors: { origin: true, credentials: false },
      allowRequest: (req, callback) => {
        const url = joinUrlOf(req.url);
        const admission: Admission = url ? hooks.admit(req, url) : { ok: false, status: 400, message: "not a join path" };
        if (!admission.ok) {
          hooks.refused(admission.status, admission.message);
          return callback(admission.message, false);
        }
        (req as Admitted)[ADMISSION] = admission;
        callback(null, true);
      },
    });
    this.engine.on("connection", (engine: EngineSocket) => this.opened(engine));
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  private opened(engine: EngineSocket): void {
    const req = engine.request as Admitted;
    const admission = req[ADMISSION]!;
    const reason = new URL(req.url ?? "/", "http://server").searchParams.get("fallback");
    this.hooks.opened(isFallbackReason(reason) ? reason : "unspecified");
    const socket = new FallbackSocket(engine);
    const id = socket.sessionId;
    this.sockets.set(id, socket);
    socket.once("close", () => {
      this.sockets.delete(id);
      admission.release();
    });
    // The join sees the request the WebSocket transport would: the Colyseus URL, the handshake's headers and address.
    const joinReq = Object.create(req, { url: { value: joinUrlOf(req.url) } }) as IncomingMessage;
    this.hooks.join(socket, joinReq, admission.acknowledged);
  }

  /** An HTTP request under FALLBACK_PATH (the front door has admitted it). */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const session = this.sessionOf(req.url);
    if (session) {
      session.receivedRequest();
      // Before engine.io's reader: the bytes are paid for before they are parsed.
      req.prependListener("data", (chunk: Buffer) => session.receivedBytes(chunk));
    }
    this.engine.handleRequest(req, res);
  }

  /** An Upgrade under FALLBACK_PATH: a session moving to a WebSocket (engine.io refuses handshakes without a session). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.hooks.origins.allows(req.headers.origin)) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.sessionOf(req.url)?.receivedRequest();
    this.engine.handleUpgrade(req, socket, head);
  }

  close(): void {
    this.engine.close();
  }

  private sessionOf(url: string | undefined): FallbackSocket | undefined {
    const sid = new URL(url ?? "/", "http://server").searchParams.get("sid");
    return sid ? this.sockets.get(sid) : undefined;
  }
}

/**
 * Sends requests and upgrades under FALLBACK_PATH to the fallback: upgrades at once (ws would take
 * any path), requests inside the front door (its listener wraps this one once the server listens).
 */
export function routeFallback(server: HttpServer, fallback: Fallback): void {
  const upgrades = server.listeners("upgrade") as ((req: IncomingMessage, socket: Duplex, head: Buffer) => void)[];
  server.removeAllListeners("upgrade");
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (isFallbackUrl(req.url)) return fallback.handleUpgrade(req, socket, head);
    for (const listener of upgrades) listener.call(server, req, socket, head);
  });
  server.once("listening", () => {
    const requests = server.listeners("request") as RequestListener[];
    server.removeAllListeners("request");
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      if (isFallbackUrl(req.url)) return fallback.handleRequest(req, res);
      for (const listener of requests) listener.call(server, req, res);
    });
  });
  server.once("close", () => fallback.close());
}

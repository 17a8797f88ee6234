/**
 * The WebSocket transport with our limits, and a guard in front of every HTTP request (matchmaker
 * included): origin check, matchmaking body cap, and errors that never carry internals.
 */
import { ErrorCode, ServerError, matchMaker } from "@colyseus/core";
import type { TransportOptions } from "@colyseus/ws-transport";
import type { WebSocket } from "ws";
import type { IncomingMessage, RequestListener, Server as HttpServer, ServerResponse } from "node:http";
import { identify } from "../auth/identity";
import { logger } from "../log";
import { MeteredTransport } from "../ops/transport";
import { guardOutgoing } from "./backpressure";
import { MAX_JOIN_OPTIONS_BYTES, MAX_MESSAGE_BYTES, MAX_OPEN_SOCKETS } from "../shared/protocol";
import { parseAllowedOrigins, type AllowedOrigins } from "./origins";

export interface TransportLimits {
  /** Open sockets before upgrades are refused (tests lower it). */
  maxSockets: number;
}

/** The metered transport (server/ops/transport.ts), able to count its sockets. */
export class GuardedTransport extends MeteredTransport {
  // Unbound like MeteredTransport's: caps what may wait to be sent to each socket (./backpressure).
  protected override async onConnection(rawClient: WebSocket & { pingCount: number }, req: IncomingMessage) {
    guardOutgoing(rawClient);
    return super.onConnection(rawClient, req);
  }

  get openSockets(): number {
    return this.wss.clients.size;
  }
}

/** For `initializeTransport` in app.config.ts. Reads ALLOWED_ORIGINS (throws on a bad value). */
export function createTransport(
  options: TransportOptions,
  limits: TransportLimits = { maxSockets: MAX_OPEN_SOCKETS },
): GuardedTransport {
  // Checked at start with every other variable (server/config); read again here so that each server
  // a test boots can have its own.
  const origins = parseAllowedOrigins(process.env.ALLOWED_ORIGINS);
  if (origins.describe === "*" && process.env.NODE_ENV === "production") {
    logger.warn("ALLOWED_ORIGINS is not set: every web origin may use this server (set it in production)");
  }
  const transport: GuardedTransport = new GuardedTransport({
    ...options,
    // ws reads the frame header first and closes with 1009 before buffering an oversize frame.
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: (info, done) => {
      if (!origins.allows(info.origin)) return done(false, 403, "origin not allowed");
      if (transport.openSockets >= limits.maxSockets) return done(false, 503, "server full");
      // Refused before the upgrade: a flood of seatless sockets costs no socket, client or log line.
      if (!hasSeat(info.req.url)) return done(false, 410, "seat reservation expired");
      done(true);
    },
  });
  // Colyseus installs its matchmaking routes on the server after the transport exists, so the
  // guard wraps them once the server listens.
  const server = transport.server as HttpServer;
  server.once("listening", () => guardRequests(server, origins));
  hideInternalErrors();
  return transport;
}

/** The same test the transport makes after the upgrade (WebSocketTransport.onConnection), made before it. */
function hasSeat(url: string | undefined): boolean {
  const parsed = new URL(`ws://server/${url ?? ""}`);
  const roomId = parsed.pathname.match(/\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/)?.[1];
  const room = roomId ? matchMaker.getLocalRoomById(roomId) : undefined;
  const sessionId = parsed.searchParams.get("sessionId");
  if (!room || !sessionId) return false;
  return Boolean(room.hasReservedSeat(sessionId, parsed.searchParams.get("reconnectionToken") ?? undefined));
}

function reply(req: IncomingMessage, res: ServerResponse, status: number, error: string, cors: boolean) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (cors) Object.assign(headers, matchMaker.controller.getCorsHeaders(req));
  res.writeHead(status, headers);
  // Same shape as Colyseus's own matchmaking errors: colyseus.js rejects with ServerError(status, error).
  res.end(JSON.stringify({ code: status, error }));
}

/** Runs before every HTTP listener: refuses foreign origins and oversize matchmaking bodies. */
function guardRequests(server: HttpServer, origins: AllowedOrigins) {
  const listeners = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!origins.allows(req.headers.origin)) {
      logger.debug({ method: req.method, origin: req.headers.origin }, "HTTP request refused: origin not allowed");
      return reply(req, res, 403, "origin not allowed", false);
    }
    if (req.method === "POST" && req.url?.includes(`/${matchMaker.controller.matchmakeRoute}/`)) {
      // Node never delivers more body than Content-Length declares, so checking it bounds the read.
      const length = Number(req.headers["content-length"]);
      if (!Number.isFinite(length)) return reply(req, res, 411, "Content-Length required", true);
      if (length > MAX_JOIN_OPTIONS_BYTES) {
        return reply(req, res, 413, `join options too large (at most ${MAX_JOIN_OPTIONS_BYTES} bytes)`, true);
      }
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
}

let hidden = false;

/**
 * Colyseus forwards the message of any error thrown while matchmaking to the client. Our rooms refuse
 * with ServerError(code, reason) on purpose; anything else is a bug whose text stays in the log and
 * reaches the client as "internal error" (code MATCHMAKE_UNHANDLED).
 */
function hideInternalErrors() {
  if (hidden) return;
  hidden = true;
  // Same as Colyseus's own invokeMethod (controller.js), except for the last line of the catch.
  matchMaker.controller.invokeMethod = async function (method, roomName, clientOptions = {}, authOptions) {
    if (!this.exposedMethods.includes(method)) {
      throw new ServerError(ErrorCode.MATCHMAKE_NO_HANDLER, `invalid method "${method}"`);
    }
    const call = (matchMaker as unknown as Record<string, MatchMakeMethod>)[method];
    try {
      // Colyseus reconnects without onAuth: the token must still be good (expired: AuthRefusal.expired).
      if (method === "reconnect") await identify((authOptions as { token?: string } | undefined)?.token);
      return await call(roomName, clientOptions, authOptions);
    } catch (error) {
      if (isDeliberate(error)) throw new ServerError(error.code || ErrorCode.MATCHMAKE_UNHANDLED, error.message);
      logger.error({ err: error, method, room: roomName }, "matchmaking failed");
      throw new ServerError(ErrorCode.MATCHMAKE_UNHANDLED, "internal error");
    }
  };
}

type MatchMakeMethod = (roomName: string, options: unknown, auth: unknown) => Promise<unknown>;

/**
 * A refusal someone meant: a ServerError with a numeric code of its own. Colyseus re-wraps whatever
 * onCreate throws as ServerError(e.code || MATCHMAKE_UNHANDLED, e.message), so a bug arrives with
 * MATCHMAKE_UNHANDLED or with a system error's string code (ECONNREFUSED...); neither is deliberate.
 */
function isDeliberate(error: unknown): error is Error & { code?: number } {
  if (error instanceof Error && error.constructor.name === "SeatReservationError") return true;
  if (!(error instanceof ServerError)) return false;
  return typeof error.code === "number" && error.code !== ErrorCode.MATCHMAKE_UNHANDLED;
}

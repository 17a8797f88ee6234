/**
 * The WebSocket transport with our limits (origins, socket caps, seats, outgoing backpressure) and
 * wire metering, the front door in front of every HTTP request (./frontDoor.ts), the matchmaking
 * limits (./matchmaking.ts), and matchmaking errors that never carry internals.
 */
import { ErrorCode, ServerError, matchMaker, type Room } from "@colyseus/core";
import { WebSocketTransport, type TransportOptions } from "@colyseus/ws-transport";
import type { WebSocket } from "ws";
import type { IncomingMessage, RequestListener, Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { identify } from "../auth/identity";
import type { AuthSettings, Settings } from "../config";
import { JOIN_NOT_YOUR_SEAT, JoinRefusal } from "../shared/codes";
import { MAX_MESSAGE_BYTES } from "../shared/limits";
import { RoomName } from "../shared/payloads";
import type { Logger } from "../telemetry/log";
import type { Metrics } from "../telemetry/metrics";
import { SpanKind, type Tracing } from "../telemetry/tracing";
import { ATTR_CLIENT_ADDRESS, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from "@opentelemetry/semantic-conventions";
import { meterSocket } from "../telemetry/wireMeter";
import type { AddressLimits } from "./addressLimits";
import type { Backpressure } from "./backpressure";
import { clientKey } from "./clientAddress";
import { guardRequests } from "./frontDoor";
import { Fallback, routeFallback, type Admission } from "./fallback";
import type { FallbackSocket } from "./fallbackSocket";
import { guardConnections, type HttpConnections } from "./httpConnections";
import { heartbeat } from "./readProof";
import { bearerToken, type MatchmakingGuard } from "./matchmaking";
import { notYourSeat, SEAT_PLAYER_METHOD, seatOwners } from "./reconnection";
import { scaledBudget, WireGuard } from "./wireGuard";
import { guardWire } from "./wireSocket";

/** What the transport guards with: parts of the app context (server/context.ts). */
export interface TransportParts {
  settings: Settings;
  log: Logger;
  metrics: Metrics;
  addressLimits: AddressLimits;
  matchmaking: MatchmakingGuard;
  backpressure: Backpressure;
  httpConnections: HttpConnections;
  tracing: Tracing;
}

export interface GuardedTransport extends WebSocketTransport {
  readonly openSockets: number;
}

/** Where the upgrade request keeps the function that ends its socket's wait for JOIN_ROOM's acknowledgement. */
const ACKNOWLEDGED = Symbol("join acknowledged");

/** True when players' traffic reaches this process unencrypted in production: no TLS here and no TLS proxy named. */
export function unencryptedInProduction(settings: Settings): boolean {
  return settings.production && settings.edge.tls === undefined && settings.limits.trustedProxies.size === 0;
}

/** What @colyseus/tools hands `initializeTransport`: its http server around its Express app. */
type ToolsTransportOptions = TransportOptions & { app?: RequestListener };

/** For `initializeTransport` in app.config.ts. */
export function createTransport(options: ToolsTransportOptions, parts: TransportParts): GuardedTransport {
  const { settings, log, addressLimits: limits } = parts;
  const origins = settings.allowedOrigins;
  const { maxSockets } = settings.limits;
  const wireBudget = scaledBudget(settings.limits.wire, settings.rateLimitScale);
  if (origins.describe === "*" && settings.production) {
    log.warn("ALLOWED_ORIGINS is not set: every web origin may use this server (set it in production)");
  }
  if (unencryptedInProduction(settings)) {
    log.warn("traffic is unencrypted: set TLS_CERT_FILE and TLS_KEY_FILE, or put a TLS proxy in front and name it in TRUSTED_PROXY");
  }
  // TLS_CERT_FILE/TLS_KEY_FILE: the same app and sockets behind Node's https server (https and wss).
  const tls = settings.edge.tls;
  const server = tls && options.app ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.2" }, options.app) : options.server;
  class Guarded extends WebSocketTransport implements GuardedTransport {
    // Colyseus registers this method itself as the WebSocketServer's `connection` listener, unbound:
    // it must not use `this`.
    protected override async onConnection(rawClient: WebSocket & { pingCount: number }, req: IncomingMessage) {
      guardWire(rawClient, new WireGuard(wireBudget), (verdict) => {
        parts.metrics.countWireRefusal(verdict.refusal);
        log.warn({ reason: verdict.refusal, detail: verdict.detail }, "closed a connection at the wire");
      });
      parts.backpressure.guard(rawClient, (req as IncomingMessage & { [ACKNOWLEDGED]?: () => void })[ACKNOWLEDGED]);
      meterSocket(parts.metrics, rawClient, req);
      const notYours = await reconnectionRefusal(req, settings.auth, log);
      // colyseus.js rejects the reconnection with the close code as the error's `code`.
      if (notYours) return rawClient.close(notYours.code, notYours.message);
      return super.onConnection(rawClient, req);
    }

    /** TRANSPORT_FALLBACK: engine.io sessions, which count as sockets. */
    fallback: Fallback | undefined;

    get openSockets(): number {
      return this.wss.clients.size + (this.fallback?.openSockets ?? 0);
    }

    /** Joins a fallback session through the very path a WebSocket takes (guards, then WebSocketTransport's join). */
    joinFallback(socket: FallbackSocket, req: IncomingMessage): Promise<void> {
      return this.onConnection(socket as unknown as WebSocket & { pingCount: number }, req);
    }

    /** Starts the proof-of-reading heartbeat over this transport's sockets and fallback sessions; returns its stop. */
    startHeartbeat(): () => void {
      const sockets = () => [...this.wss.clients, ...((this.fallback?.sockets.values() ?? []) as Iterable<WebSocket>)];
      return heartbeat(sockets, () => log.debug("terminated a socket that proved no reading"));
    }
  }
  const transport: Guarded = new Guarded({
    ...options,
    // Colyseus's heartbeat takes any pong as proof of life: ours asks for a nonce back (./readProof.ts).
    pingInterval: 0,
    server,
    // ws reads the frame header first and closes with 1009 before buffering an oversize frame.
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: (info, done) => {
      const admitted = admitSocket(info.req, info.req.url);
      if (!admitted.ok) return done(false, admitted.status, admitted.message);
      (info.req as IncomingMessage & { [ACKNOWLEDGED]?: () => void })[ACKNOWLEDGED] = admitted.acknowledged;
      info.req.socket.once("close", admitted.release);
      done(true);
    },
  });
  /** The test every new connection passes, WebSocket or fallback session, before it costs a client. */
  function admitSocket(req: IncomingMessage, url: string | undefined): Admission {
    if (!origins.allows(req.headers.origin)) return { ok: false, status: 403, message: "origin not allowed" };
    if (transport.openSockets >= maxSockets) return { ok: false, status: 503, message: "server full" };
    // Refused before the upgrade: a flood of seatless sockets costs no socket, client or log line.
    const room = seatedRoom(url);
    if (!room) return { ok: false, status: 410, message: "seat reservation expired" };
    const address = clientKey(req, settings.limits);
    const chat = room.roomName === RoomName.chat;
    limits.seatClaimed(new URL(`ws://server/${url ?? ""}`).searchParams.get("sessionId") ?? "");
    if (limits.socketRefusal(address, chat)) return { ok: false, status: 429, message: "too many connections from your address" };
    // Sockets that will be sent JOIN_ROOM and have not answered it: memory a crowd of quiet joiners holds.
    const unacked = limits.unackedRefusal(address);
    if (unacked === "per_process") return { ok: false, status: 503, message: "server busy: too many joins waiting" };
    if (unacked === "per_address") return { ok: false, status: 429, message: "too many joins waiting from your address" };
    const acknowledged = limits.unackedOpened(address);
    const closed = limits.socketOpened(address, chat);
    return { ok: true, acknowledged, release: () => (acknowledged(), closed()) };
  }
  // Colyseus installs its matchmaking routes on the server after the transport exists, so the
  // guard wraps them once the server listens.
  const listening = transport.server as HttpServer;
  if (settings.transportFallback) {
    transport.fallback = new Fallback({
      origins,
      admit: admitSocket,
      join: (socket, req, acknowledged) => {
        (req as IncomingMessage & { [ACKNOWLEDGED]?: () => void })[ACKNOWLEDGED] = acknowledged;
        void transport.joinFallback(socket, req);
      },
      refused: (status, message) => log.debug({ status, message }, "fallback handshake refused"),
      opened: (reason) => log.info({ reason }, "a join fell back from WebSocket to long polling"),
    });
    routeFallback(listening, transport.fallback);
  }
  // After the fallback's router: every upgrade, the fallback's too, leaves the HTTP connection count.
  guardConnections(listening, parts.httpConnections);
  listening.once("listening", () => {
    const stop = transport.startHeartbeat();
    listening.once("close", stop);
  });
  listening.once("listening", () => guardRequests(listening, settings, limits, log));
  guardMatchmaking(parts);
  return transport;
}

/**
 * A reconnection's socket in auth mode reopens a seat its URL names (the matchmaking `reconnect`
 * was checked already, but the URL can be replayed): the token it carries, read as
 * WebSocketTransport reads it, must be the seat's player's. Undefined for any other connection.
 */
async function reconnectionRefusal(req: IncomingMessage, auth: AuthSettings, log: Logger): Promise<ServerError | undefined> {
  if (auth.mode !== "jwt") return undefined;
  const params = new URL(`ws://server/${req.url ?? ""}`).searchParams;
  const reconnectionToken = params.get("reconnectionToken");
  const owners = seatOwners(seatedRoom(req.url));
  if (!reconnectionToken || !owners) return undefined;
  try {
    const identity = await identify(params.get("_authToken") ?? bearerToken(req.headers.authorization), auth, log);
    return notYourSeat(identity, owners.seatPlayer(reconnectionToken));
  } catch (refusal) {
    return refusal instanceof ServerError ? refusal : new ServerError(JOIN_NOT_YOUR_SEAT, "not your seat");
  }
}

/** The same test the transport makes after the upgrade (WebSocketTransport.onConnection), made before it. */
function seatedRoom(url: string | undefined): Room | undefined {
  const parsed = new URL(`ws://server/${url ?? ""}`);
  const roomId = parsed.pathname.match(/\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/)?.[1];
  const room = roomId ? matchMaker.getLocalRoomById(roomId) : undefined;
  const sessionId = parsed.searchParams.get("sessionId");
  if (!room || !sessionId) return undefined;
  return room.hasReservedSeat(sessionId, parsed.searchParams.get("reconnectionToken") ?? undefined) ? room : undefined;
}

/**
 * Matchmaking within the limits (./matchmaking.ts), and errors without internals: Colyseus forwards
 * the message of any error thrown while matchmaking to the client. Our rooms refuse with
 * ServerError(code, reason) on purpose; anything else is a bug whose text stays in the log and
 * reaches the client as "internal error" (code MATCHMAKE_UNHANDLED). The controller is one per
 * process: each server built installs its own guard as it starts.
 */
function guardMatchmaking({ matchmaking, settings, log, tracing }: TransportParts) {
  // Same as Colyseus's own invokeMethod (controller.js), except for the limits, the span and the last line of the catch.
  matchMaker.controller.invokeMethod = async function (method, roomName, clientOptions = {}, authOptions) {
    if (!this.exposedMethods.includes(method)) {
      throw new ServerError(ErrorCode.MATCHMAKE_NO_HANDLER, `invalid method "${method}"`);
    }
    const call = (matchMaker as unknown as Record<string, MatchMakeMethod>)[method];
    // onAuth, the seat reservation (on this process or, through presence, on the room's) and the join run under it.
    const attributes = tracing.on ? {
      [ATTR_HTTP_REQUEST_METHOD]: "POST",
      [ATTR_HTTP_ROUTE]: MATCHMAKE_ROUTE,
      [ATTR_URL_PATH]: `/matchmake/${method}/${roomName}`,
      "colyseus.matchmake.method": method,
      "colyseus.room.name": roomName,
      ...(authOptions?.req ? { [ATTR_CLIENT_ADDRESS]: clientKey(authOptions.req, settings.limits) } : {}),
    } : undefined;
    return tracing.span(`POST ${MATCHMAKE_ROUTE}`, { kind: SpanKind.SERVER, attributes }, async () => {
      try {
        return await matchmaking.withinLimits(method, roomName, clientOptions, authOptions ?? { headers: {}, ip: "unknown" }, async (room, options, auth) => {
          // Colyseus reconnects without onAuth: the token must still be good (expired: AuthRefusal.expired),
          // and be the seat's player's (./reconnection.ts).
          if (method === "reconnect") {
            const identity = await identify(auth.token, settings.auth, log);
            const token = (options as { reconnectionToken?: unknown }).reconnectionToken;
            const owner = identity.guest || typeof token !== "string" ? undefined : await matchMaker.remoteRoomCall<string | undefined>(room, SEAT_PLAYER_METHOD, [token]);
            const refused = notYourSeat(identity, owner);
            if (refused) throw refused;
          }
          return call(room, options, auth);
        });
      } catch (error) {
        if (isDeliberate(error)) {
          const code = joinByIdCode(method, error) ?? (error.code || ErrorCode.MATCHMAKE_UNHANDLED);
          tracing.event("refused", { "colyseus.refusal.code": code, "colyseus.refusal.message": error.message });
          throw new ServerError(code, error.message);
        }
        log.error({ err: error, method, room: roomName }, "matchmaking failed");
        throw new ServerError(ErrorCode.MATCHMAKE_UNHANDLED, "internal error");
      }
    });
  };
}

/** The matchmaking route as OpenTelemetry's http.route (Colyseus's /matchmake/<method>/<room>). */
const MATCHMAKE_ROUTE = "/matchmake/{method}/{roomName}";

type MatchMakeMethod = (roomName: string, options: unknown, auth: unknown) => Promise<unknown>;

/** Colyseus says why `joinById` failed in words only ("is locked", "not found"): each reason gets its own code. */
function joinByIdCode(method: string, error: { code?: number; message: string }): JoinRefusal | undefined {
  if (method !== "joinById" || error.code !== ErrorCode.MATCHMAKE_INVALID_ROOM_ID) return undefined;
  if (/is locked/.test(error.message)) return JoinRefusal.roomFull;
  if (/not found/.test(error.message)) return JoinRefusal.roomGone;
  return undefined;
}

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

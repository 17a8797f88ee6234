/**
 * The guard in front of every HTTP request, before Colyseus's matchmaking routes and Express alike:
 * foreign origins, body caps (declared or chunked, never buffered), the matchmaking rate per address,
 * and no CORS on Express routes (the admin panel, /metrics) for origins ALLOWED_ORIGINS does not list.
 */
import { matchMaker } from "@colyseus/core";
import type { IncomingMessage, RequestListener, Server as HttpServer, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Settings } from "../config";
import { LimitRefusal } from "../shared/codes";
import { isFallbackUrl } from "../shared/fallback";
import { FALLBACK_MAX_BODY_BYTES, MAX_HTTP_BODY_BYTES, MAX_JOIN_OPTIONS_BYTES, REFUSED_BODY_LINGER_MS } from "../shared/limits";
import { HASHED_ASSET_PATH } from "../shared/assets";
import { RegionPath } from "../shared/regions";
import type { Logger } from "../telemetry/log";
import type { AddressLimits } from "./addressLimits";
import { clientKey } from "./clientAddress";

/** The methods Colyseus's matchmaking route answers (Server.handleMatchMakeRequest). */
const MATCHMAKE_METHODS: readonly string[] = ["POST", "OPTIONS"];

/** Colyseus's own route test (Server.attachMatchMakingRoutes): any URL containing "/matchmake". */
export function isMatchmakeUrl(url: string | undefined): boolean {
  return (url ?? "").indexOf(`/${matchMaker.controller.matchmakeRoute}`) !== -1;
}

/** Largest body a request to `url` may carry. */
export function bodyCapFor(url: string | undefined): number {
  if (isFallbackUrl(url)) return FALLBACK_MAX_BODY_BYTES;
  return isMatchmakeUrl(url) ? MAX_JOIN_OPTIONS_BYTES : MAX_HTTP_BODY_BYTES;
}

/**
 * True when a refused request's body must be left unread, the connection closed: chunked or over the
 * cap. A small declared body is read and dropped by Node, and the connection stays usable (keep-alive).
 */
function mustClose(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || !(Number(req.headers["content-length"] ?? 0) <= bodyCapFor(req.url));
}

/**
 * Stops reading `socket` for good (it is destroyed after the linger). `socket.pause()` alone does
 * not: Node's HTTP parser resumes the socket whenever the paused request's buffer has room
 * (readStart in _http_incoming), and the "resume" that restarts the handle is emitted a tick later,
 * while a pause in between stops nothing; once the request's buffer is full no later pause is
 * emitted either, so the handle read on and buffered whole 100 MB bodies (two uploaders at once
 * did it within seconds). Here the handle is stopped, and marked as reading so that neither a
 * "resume" nor a read(0) starts it again.
 */
function stopReading(socket: Socket): void {
  socket.pause();
  socket.resume = () => socket;
  const handle = (socket as Socket & { _handle?: { reading?: boolean; readStop?: () => number } })._handle;
  if (!handle?.readStop) return;
  handle.readStop();
  handle.reading = true;
}

/**
 * Answers in the shape of Colyseus's matchmaking errors (colyseus.js: ServerError(status, error)).
 * `close`: the body is left unread and the connection closed (see below).
 */
function reply(req: IncomingMessage, res: ServerResponse, status: number, body: { code: number; error: string }, cors: boolean, close = false) {
  if (close) {
    // Paused with a reader attached: Node would otherwise read the rest of the body to throw it away.
    req.on("data", () => {});
    req.pause();
    // And no more read from the socket: what the sender still writes waits in the kernel's buffers.
    stopReading(req.socket);
  }
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) };
  if (cors) Object.assign(headers, matchMaker.controller.getCorsHeaders(req));
  if (close) {
    // The connection reads nothing more, so no client may send another request on it. Node ends a
    // "Connection: close" answer's socket with destroySoon, whose destroy would reset the unread body
    // at once, and a reset can beat the answer to the client: here the socket only half-closes then.
    headers.Connection = "close";
    const socket = req.socket;
    socket.destroySoon = () => void socket.end();
  }
  res.writeHead(status, headers);
  // Once the answer is out and had a moment to be read, the connection goes, and the unread rest of
  // the body with it.
  res.end(text, close ? () => setTimeout(() => req.socket.destroy(), REFUSED_BODY_LINGER_MS).unref() : undefined);
  // Whoever else holds this response (Colyseus's matchmaking, on a body that ended as it was cut
  // off) writes into nothing rather than throwing "headers already sent" out of an event handler.
  res.writeHead = (() => res) as unknown as ServerResponse["writeHead"];
  res.write = (() => true) as ServerResponse["write"];
  res.end = (() => res) as ServerResponse["end"];
}

function refuseBody(log: Logger, req: IncomingMessage, res: ServerResponse, cap: number) {
  log.debug({ method: req.method, url: req.url?.slice(0, 64) }, "HTTP request refused: body too large");
  if (res.headersSent) return void req.socket.destroy();
  const matchmaking = isMatchmakeUrl(req.url);
  const error = `${matchmaking ? "join options" : "request body"} too large (at most ${cap} bytes)`;
  reply(req, res, 413, { code: 413, error }, matchmaking, true);
}

/**
 * Calls `next` when the request may go on. A declared Content-Length is checked at once (Node never
 * delivers more than it declares). A chunked body is counted as it arrives and cut off at the cap, so
 * at most the cap plus one chunk is ever held: Colyseus's matchmaking POST and the fallback's polling
 * POST read it alongside; every other request (no other route reads a body) goes on once its body is in and dropped, so no route
 * answers while the count is still running.
 */
function admitBody(log: Logger, req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const cap = bodyCapFor(req.url);
  const declared = req.headers["content-length"];
  if (declared !== undefined && !(Number(declared) <= cap)) return refuseBody(log, req, res, cap);
  if (req.headers["transfer-encoding"] === undefined) return next();
  let seen = 0;
  const count = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= cap) return;
    req.off("data", count);
    refuseBody(log, req, res, cap);
  };
  req.on("data", count);
  if ((isMatchmakeUrl(req.url) || isFallbackUrl(req.url)) && req.method === "POST") return next();
  req.once("end", () => {
    if (seen <= cap) next();
  });
}

/**
 * Routes a page of another origin calls: GET /ping and /regions (another region's page) and the
 * hashed client files (a CDN's copies, PUBLIC_ASSET_BASE). They keep their CORS headers.
 */
const CROSS_ORIGIN_PATHS: ReadonlySet<string> = new Set([RegionPath.ping, RegionPath.regions]);
const isCrossOriginPath = (url: string | undefined) => {
  const path = (url ?? "").split("?", 1)[0]!;
  // The fallback joins like the matchmaking it follows: from another region's page too.
  return CROSS_ORIGIN_PATHS.has(path) || HASHED_ASSET_PATH.test(path) || isFallbackUrl(path);
};

/** Drops the CORS headers @colyseus/tools' cors() adds to every Express route, for an unlisted origin. */
function withoutCors(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    /^access-control-/i.test(name) ? res : setHeader(name, value)) as ServerResponse["setHeader"];
}

/** Wraps every "request" listener of `server` (Colyseus's matchmaking one included) in the guard. */
export function guardRequests(server: HttpServer, settings: Settings, limits: AddressLimits, log: Logger): void {
  const origins = settings.allowedOrigins;
  const listeners = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    // A client that hangs up mid-body makes the request emit "error": never an uncaught one.
    req.on("error", (err) => log.debug({ err: err.message }, "HTTP request aborted"));
    if (!origins.allows(req.headers.origin)) {
      log.debug({ method: req.method, origin: req.headers.origin }, "HTTP request refused: origin not allowed");
      return reply(req, res, 403, { code: 403, error: "origin not allowed" }, false, mustClose(req));
    }
    const matchmaking = isMatchmakeUrl(req.url);
    if (matchmaking && req.method === "POST" && !limits.admitMatchmake(clientKey(req, settings.limits))) {
      res.setHeader("Retry-After", "1");
      const error = `too many matchmaking requests from your address (at most ${settings.limits.matchmakePerSecond} per second)`;
      return reply(req, res, 429, { code: LimitRefusal.matchmakeRate, error }, true, mustClose(req));
    }
    // Listed origins passed the check above; "every origin" must not extend to the admin pages.
    if (!matchmaking && origins.describe === "*" && !isCrossOriginPath(req.url)) withoutCors(res);
    admitBody(log, req, res, () => {
      // Colyseus answers POST and OPTIONS there and leaves any other method hanging until a timeout.
      if (matchmaking && !MATCHMAKE_METHODS.includes(req.method ?? "")) {
        res.setHeader("Allow", MATCHMAKE_METHODS.join(", "));
        return reply(req, res, 405, { code: 405, error: "method not allowed (matchmaking takes POST)" }, true);
      }
      for (const listener of listeners) listener.call(server, req, res);
    });
  });
}

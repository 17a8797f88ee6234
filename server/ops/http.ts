import { matchMaker } from "@colyseus/core";
import { monitor } from "@colyseus/monitor";
import type express from "express";
import { STATUS_CODES } from "node:http";
import basicAuth from "express-basic-auth";
import type { AppContext } from "../context";
import { clientKey } from "../security/clientAddress";
import { ADMIN_LOGIN_FAILURES_MAX, ADMIN_LOGIN_WINDOW_S, LOGGED_USER_MAX_CHARS, TRACKED_ADDRESSES_MAX } from "../shared/limits";
import { BoundedMap } from "../shared/lru";
import type { Logger } from "../telemetry/log";
import { ROOM_CALL_PATH, traceAdminActions } from "./adminSpans";
import { chatDataRoutes } from "./chatData";
import { moderationConsole } from "./moderation/routes";
import { monitorPageWithConsoleLink } from "./monitorLink";
import { drainRoute } from "./drain";
import { mountRegions } from "./regions";

/** Operator endpoints: liveness, readiness, and the admin-only monitor panel and metrics. */
export const OpsPath = {
  health: "/health",
  ready: "/ready",
  metrics: "/metrics",
  monitor: "/colyseus",
  /** Admin API: chat data export and erasure (server/ops/chatData.ts), and the moderation console (server/ops/moderation/). */
  admin: "/admin",
  /** POST: drain this process for a deploy (server/ops/drain.ts). */
  drain: "/admin/drain",
} as const;

/** Monitor list columns; `map`, `channel` and `visibility` come from the rooms' metadata. */
const MONITOR_COLUMNS = [
  "roomId",
  "name",
  "clients",
  "maxClients",
  { metadata: "map" },
  { metadata: "channel" },
  { metadata: "visibility" },
  "locked",
  "elapsedTime",
] as const;

/**
 * HTTP basic auth with ADMIN_USER / ADMIN_PASSWORD, and no cross-site use of those credentials:
 * the monitor API can call any room method with a plain GET, so a browser that holds the credentials
 * must not be made to send them from another site (fetch metadata header; absent from non-browsers).
 */
function adminOnly({ settings, log, metrics }: AppContext): express.RequestHandler[] {
  const throttle = new LoginThrottle();
  const addressOf = (req: express.Request) => clientKey(req, settings.limits);
  const notThrottled: express.RequestHandler = (req, res, next) => {
    if (!throttle.blocked(addressOf(req), performance.now())) return next();
    metrics.countAdminRefusal("throttled");
    res.set("Retry-After", String(ADMIN_LOGIN_WINDOW_S)).status(429).send("too many failed logins: try again later");
  };
  const sameSiteOnly: express.RequestHandler = (req, res, next) => {
    const site = req.get("sec-fetch-site");
    if (site === undefined || site === "same-origin" || site === "none") return next();
    res.status(403).send("cross-site requests to admin pages are refused");
  };
  const credentials = basicAuth({
    users: { [settings.adminUser]: settings.adminPassword },
    challenge: true,
    realm: "game server admin",
    unauthorizedResponse: (req: basicAuth.IBasicAuthedRequest) => {
      if (!req.auth) return ""; // no credentials yet: the browser's first request, answered with the challenge
      const ip = addressOf(req);
      throttle.failed(ip, performance.now());
      metrics.countAdminRefusal("wrong_credentials");
      const user = req.auth.user.slice(0, LOGGED_USER_MAX_CHARS);
      log.warn({ ip, user, path: req.originalUrl.slice(0, LOGGED_USER_MAX_CHARS * 4) }, "admin login refused");
      return "";
    },
  });
  return [notThrottled, sameSiteOnly, credentials];
}

/** Wrong admin logins per address: ADMIN_LOGIN_FAILURES_MAX in ADMIN_LOGIN_WINDOW_S, then HTTP 429 until the window ends. */
class LoginThrottle {
  private readonly failures = new BoundedMap<string, { count: number; since: number }>(TRACKED_ADDRESSES_MAX);

  private current(address: string, now: number) {
    const entry = this.failures.get(address);
    return entry && now - entry.since < ADMIN_LOGIN_WINDOW_S * 1000 ? entry : undefined;
  }

  blocked(address: string, now: number): boolean {
    return (this.current(address, now)?.count ?? 0) >= ADMIN_LOGIN_FAILURES_MAX;
  }

  failed(address: string, now: number): void {
    const entry = this.current(address, now) ?? { count: 0, since: now };
    entry.count++;
    this.failures.set(address, entry);
  }
}

/** No source maps in production: they hand out the client's whole source. */
export const refuseSourceMaps: express.RequestHandler = (req, res, next) => {
  if (!/\.map$/i.test(req.path)) return next();
  res.status(404).end();
};

/** Mounts the operator endpoints (`initializeExpress`). */
export function mountOps(app: express.Express, ctx: AppContext): void {
  const { settings, log, metrics } = ctx;
  // GET /ping and /regions first: the cheapest answers of the app (./regions.ts).
  mountRegions(app, ctx);
  // The password itself is shown in the start banner only (server/ops/banner.ts), never in a log line.
  if (settings.adminPasswordGenerated) {
    log.warn({ adminUser: settings.adminUser }, "ADMIN_PASSWORD is not set: generated one for this run, printed once at start (never logged)");
  }

  app.get(OpsPath.health, (_req, res) => {
    res.json({ status: "ok" });
  });
  // Ready while matchmaking accepts players: not yet while starting, never again once draining or
  // shutting down, not while Redis (when configured) does not answer.
  app.get(OpsPath.ready, (_req, res) => {
    const state = matchMaker.state;
    if (ctx.drain.draining && state !== matchMaker.MatchMakerState.SHUTTING_DOWN) return void res.status(503).json({ status: "draining" });
    if (state === matchMaker.MatchMakerState.READY && ctx.redisHealth?.reachable === false) return void res.status(503).json({ status: "redis_unreachable" });
    if (state === matchMaker.MatchMakerState.READY) return void res.json({ status: "ready" });
    const status = state === matchMaker.MatchMakerState.SHUTTING_DOWN ? "shutting_down" : "starting";
    res.status(503).json({ status });
  });

  const admin = adminOnly(ctx);
  app.get(OpsPath.metrics, ...admin, async (_req, res) => {
    try {
      res.type(metrics.contentType).send(await metrics.text());
    } catch (err) {
      log.error({ err }, "metrics collection failed");
      res.status(500).send("metrics collection failed");
    }
  });
  app.use(OpsPath.monitor, ...admin, checkRoomCallArgs, traceAdminActions(ctx.tracing, settings.adminUser, false), monitorPageWithConsoleLink(OpsPath.admin), monitor({ columns: [...MONITOR_COLUMNS] }));
  app.post(OpsPath.drain, ...admin, traceAdminActions(ctx.tracing, settings.adminUser, true), drainRoute(ctx));
  app.use(OpsPath.admin, ...admin, traceAdminActions(ctx.tracing, settings.adminUser, true), chatDataRoutes(ctx.chat.history, log), moderationConsole(ctx, OpsPath.admin));
}

/**
 * The monitor's `GET api/room/call` parses `args` with JSON.parse outside its try, in an async
 * handler: a malformed value became an unhandled rejection. Refuse it here with a reason instead.
 */
const checkRoomCallArgs: express.RequestHandler = (req, res, next) => {
  if (req.path !== ROOM_CALL_PATH) return next();
  const args = req.query.args;
  try {
    if (typeof args === "string" && Array.isArray(JSON.parse(args))) return next();
  } catch {
    // not JSON: refused below
  }
  res.status(400).json({ error: 'args must be a JSON array, e.g. ["sessionId"]' });
};

/**
 * Last in the Express chain: an error in any route (a bad JSON body, a bug) answers with its HTTP
 * status and a fixed text, never a stack trace or a path; the error itself goes to the log.
 */
export function hideRouteErrors(log: Logger): express.ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = Number.isInteger(err?.status) && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status >= 500) log.error({ err, path: req.originalUrl }, "HTTP route failed");
    if (res.headersSent) return;
    res.status(status).json({ error: status >= 500 ? "internal error" : (STATUS_CODES[status] ?? "bad request") });
  };
}

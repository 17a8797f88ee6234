import { matchMaker } from "@colyseus/core";
import { monitor } from "@colyseus/monitor";
import type express from "express";
import basicAuth from "express-basic-auth";
import type { Settings } from "../config";
import { logger } from "../log";
import { registry } from "./metrics";

/** Operator endpoints: liveness, readiness, and the admin-only monitor panel and metrics. */
export const OpsPath = {
  health: "/health",
  ready: "/ready",
  metrics: "/metrics",
  monitor: "/colyseus",
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
function adminOnly(settings: Settings): express.RequestHandler[] {
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
      if (req.auth) logger.warn({ ip: req.ip, user: req.auth.user, path: req.originalUrl }, "admin login refused");
      return "";
    },
  });
  return [sameSiteOnly, credentials];
}

/** Prints the generated admin password once per process (it exists nowhere else). */
let passwordAnnounced = false;
function announceGeneratedPassword(settings: Settings): void {
  if (!settings.adminPasswordGenerated || passwordAnnounced) return;
  passwordAnnounced = true;
  const line = { adminUser: settings.adminUser, adminPassword: settings.adminPassword };
  const msg = "ADMIN_PASSWORD is not set: generated one for this run (set ADMIN_PASSWORD to choose it)";
  if (logger.isLevelEnabled("warn")) logger.warn(line, msg);
  else process.stderr.write(`${msg}: user ${line.adminUser}, password ${line.adminPassword}\n`);
}

/** Applies the log level and mounts the operator endpoints (`initializeExpress`). */
export function mountOps(app: express.Express, settings: Settings): void {
  logger.level = settings.logLevel;
  announceGeneratedPassword(settings);

  app.get(OpsPath.health, (_req, res) => {
    res.json({ status: "ok" });
  });
  // Ready while matchmaking accepts players: not yet while starting, never again once shutting down.
  app.get(OpsPath.ready, (_req, res) => {
    const state = matchMaker.state;
    if (state === matchMaker.MatchMakerState.READY) return void res.json({ status: "ready" });
    const status = state === matchMaker.MatchMakerState.SHUTTING_DOWN ? "shutting_down" : "starting";
    res.status(503).json({ status });
  });

  const admin = adminOnly(settings);
  app.get(OpsPath.metrics, ...admin, async (_req, res) => {
    try {
      res.type(registry.contentType).send(await registry.metrics());
    } catch (err) {
      logger.error({ err }, "metrics collection failed");
      res.status(500).send("metrics collection failed");
    }
  });
  app.use(OpsPath.monitor, ...admin, monitor({ columns: [...MONITOR_COLUMNS] }));
}

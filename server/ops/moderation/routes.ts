/**
 * The moderation console under OpsPath.admin, behind the same admin credentials, login throttle
 * and cross-site refusal as the monitor (server/ops/http.ts mounts it with them). GET pages, POST
 * actions (then 303 back to the page with what happened), GET audit.json.
 */
import express from "express";
import type basicAuth from "express-basic-auth";
import type { AppContext } from "../../context";
import { AddressRate } from "../../security/addressRate";
import { clientKey } from "../../security/clientAddress";
import { CONSOLE_LIST_ROWS, CONSOLE_REQUESTS_PER_ADDRESS, MAX_HTTP_BODY_BYTES, SEARCH_QUERY_MAX_CHARS } from "../../shared/limits";
import { ModerationDesk, type Done } from "./desk";
import { CONSOLE_PATHS, consolePage, playerPage, type Notice } from "./pages";

/** No script, no frame, forms to this origin only: a player string that slipped an escape could still do nothing. */
const CONSOLE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type Body = Record<string, string | undefined>;
const noticeOf = (req: express.Request): Notice | undefined => {
  const text = req.query.notice;
  return typeof text === "string" ? { ok: req.query.ok === "1", text: text.slice(0, 300) } : undefined;
};

/** `base`: where the router is mounted (OpsPath.admin), for the links and forms of its pages. */
export function moderationConsole(ctx: AppContext, base: string): express.Router {
  const desk = new ModerationDesk(ctx);
  const router = express.Router();
  const rate = new AddressRate(CONSOLE_REQUESTS_PER_ADDRESS);
  const paced: express.RequestHandler = (req, res, next) => {
    if (rate.admit(clientKey(req, ctx.settings.limits))) return next();
    res.set("Retry-After", "1").status(429).json({ ok: false, code: "rate_limited", message: "too many console requests: slow down" });
  };
  const form = express.urlencoded({ extended: false, limit: MAX_HTTP_BODY_BYTES, parameterLimit: 10 });
  const byOf = (req: express.Request) => (req as basicAuth.IBasicAuthedRequest).auth?.user ?? "admin";
  const html = (res: express.Response, status: number, body: string) =>
    res.status(status).set({ "Content-Security-Policy": CONSOLE_CSP, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" }).type("html").send(body);

  router.get(CONSOLE_PATHS.home, paced, (req, res, next) => {
    (async () => {
      const query = typeof req.query.q === "string" ? req.query.q : "";
      const search = query === "" ? undefined : await desk.search(query);
      if (search && !search.ok) return html(res, 400, consolePage({ base, query: query.slice(0, SEARCH_QUERY_MAX_CHARS), reports: [], bans: [], audit: [] }, { ok: false, text: search.message }));
      const { reports, bans, audit } = ctx.moderation;
      const [open, inForce, log] = await Promise.all([reports.list(), bans.list(Date.now()), audit.list()]);
      // A page shows CONSOLE_LIST_ROWS of each list, however long it grew (audit.json has the whole log).
      const totals = { reports: open.length, bans: inForce.length, audit: log.length };
      const [reportRows, banRows, auditRows] = [open, inForce, log].map((list) => list.slice(0, CONSOLE_LIST_ROWS)) as [typeof open, typeof inForce, typeof log];
      html(res, 200, consolePage({ base, query, search, reports: reportRows, bans: banRows, audit: auditRows, totals }, noticeOf(req)));
    })().catch(next);
  });

  router.get(`${CONSOLE_PATHS.player}:playerId`, paced, (req, res, next) => {
    (async () => {
      const { playerId } = req.params;
      const lines = await desk.linesOf(playerId);
      if (!lines.ok) return html(res, 400, consolePage({ base, query: "", reports: [], bans: [], audit: [] }, { ok: false, text: lines.message }));
      html(res, 200, playerPage({ base, playerId: playerId!, where: await desk.whereIs(playerId!), lines: lines.lines }, noticeOf(req)));
    })().catch(next);
  });

  router.get(CONSOLE_PATHS.audit, paced, (_req, res, next) => {
    ctx.moderation.audit.list().then((entries) => {
      res.set("Content-Disposition", 'attachment; filename="moderation-audit.json"').json({ entries });
    }, next);
  });

  const actions: Record<string, (by: string, body: Body) => Promise<Done>> = {
    mute: (by, b) => desk.mute(by, b.playerId, b.seconds, b.reason),
    kick: (by, b) => desk.kick(by, b.playerId, b.reason),
    ban: (by, b) => desk.ban(by, b.kind, b.target, b.seconds, b.reason),
    unban: (by, b) => desk.unban(by, b.kind, b.target, b.reason),
    erase: (by, b) => desk.erase(by, b.playerId, b.reason),
    resolve: (by, b) => desk.resolve(by, b.id, b.action, b.seconds, b.reason),
  };
  router.post(`${CONSOLE_PATHS.action}:action`, paced, form, (req, res, next) => {
    const action = Object.hasOwn(actions, req.params.action!) ? actions[req.params.action!] : undefined;
    if (!action) return void res.status(404).json({ ok: false, code: "invalid_payload", message: `no such action: one of ${Object.keys(actions).join(", ")}` });
    const body = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Body;
    action(byOf(req), body).then((done) => {
      // Answered as JSON to a script, as a page to a browser's form.
      if (!req.accepts("html")) return void res.status(done.ok ? 200 : 400).json(done);
      const back = typeof body.playerId === "string" && body.playerId !== "" ? CONSOLE_PATHS.player + encodeURIComponent(body.playerId) : CONSOLE_PATHS.home;
      const notice = done.ok ? `${req.params.action}: ${done.detail}` : `refused (${done.code}): ${done.message}`;
      res.redirect(303, `${base}${back}?ok=${done.ok ? 1 : 0}&notice=${encodeURIComponent(notice)}`);
    }, next);
  });
  return router;
}

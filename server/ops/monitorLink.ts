import type express from "express";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The monitor panel's page (@colyseus/monitor's static index.html) with a link to the moderation
 * console added; read once when the routes are mounted. Without the file (another monitor build)
 * the page is served as it is.
 */
export function monitorPageWithConsoleLink(consolePath: string): express.RequestHandler {
  let page: string | undefined;
  try {
    const index = join(dirname(require.resolve("@colyseus/monitor")), "static", "index.html");
    const link = `<a href="${consolePath}/" style="position:fixed;right:16px;bottom:16px;z-index:10000;padding:8px 12px;background:#263238;color:#fff;border-radius:4px;font:14px sans-serif;text-decoration:none">Moderation console</a>`;
    page = readFileSync(index, "utf8").replace('<div id="app"></div>', `<div id="app"></div>${link}`);
  } catch {
    page = undefined;
  }
  return (req, res, next) => {
    if (page === undefined || (req.path !== "/" && req.path !== "/index.html")) return next();
    res.type("html").send(page);
  };
}

/**
 * The browser client's files (docs/operating.md "Static files"): hashed files with a year's
 * immutable caching and the precompressed encoding the request accepts (br, then gzip), index.html
 * revalidated at every load and, with PUBLIC_ASSET_BASE, naming the hashed files on the CDN origin.
 * express.static serves the rest (source maps outside production, anything else the build wrote).
 */
import express from "express";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { HASHED_ASSET_PATH, IMMUTABLE_CACHE, PAGE_CACHE, PRECOMPRESSED } from "../shared/assets";

const CONTENT_TYPES: Readonly<Record<string, string>> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };

/** The encodings `accept` (an Accept-Encoding header) takes, by name; q=0 refuses one. */
export function acceptedEncodings(accept: string | undefined): Set<string> {
  const taken = new Set<string>();
  for (const part of (accept ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.split(";").map((piece) => piece.trim());
    const q = params.find((param) => param.startsWith("q="));
    if (name && !(q !== undefined && Number(q.slice(2)) === 0)) taken.add(name);
  }
  return taken;
}

/** The file to send for `file` (a built file's path) and the encoding it is in: the best precompressed one `accept` takes. */
export function pickEncoding(file: string, accept: string | undefined, exists: (path: string) => boolean = existsSync): { path: string; encoding?: string } {
  const taken = acceptedEncodings(accept);
  for (const { encoding, suffix } of PRECOMPRESSED) {
    if ((taken.has(encoding) || taken.has("*")) && exists(file + suffix)) return { path: file + suffix, encoding };
  }
  return { path: file };
}

/** index.html as the build wrote it, with the hashed files on `assetBase` when given. */
function page(dir: string, assetBase: string | undefined): { html: string; etag: string } {
  let html = readFileSync(join(dir, "index.html"), "utf8");
  if (assetBase !== undefined) html = html.replace(/(src|href)="\/([A-Za-z0-9_-]+\.[A-Z0-9]{8}\.(?:js|css))"/g, (_, attribute: string, name: string) => `${attribute}="${assetBase}/${name}"`);
  return { html, etag: `"${createHash("sha256").update(html).digest("base64url").slice(0, 27)}"` };
}

/** Serves the client built into `dir`. */
export function staticFiles(dir: string, assetBase: string | undefined): express.Router {
  const router = express.Router();
  // Read when it changes (a rebuild), not at every load.
  let cached: { mtimeMs: number; page: { html: string; etag: string } } | undefined;
  const current = () => {
    const { mtimeMs } = statSync(join(dir, "index.html"));
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, page: page(dir, assetBase) };
    return cached.page;
  };
  router.get(["/", "/index.html"], (req, res, next) => {
    if (!existsSync(join(dir, "index.html"))) return next();
    const { html, etag } = current();
    res.set({ "Cache-Control": PAGE_CACHE, ETag: etag, "Content-Type": "text/html; charset=utf-8" });
    if (req.get("if-none-match") === etag) return void res.status(304).end();
    res.send(html);
  });
  router.get(HASHED_ASSET_PATH, (req, res, next) => {
    const file = join(dir, req.path.slice(1));
    if (!existsSync(file)) return next();
    const { path, encoding } = pickEncoding(file, req.get("accept-encoding"));
    res.set({
      "Cache-Control": IMMUTABLE_CACHE,
      "Content-Type": CONTENT_TYPES[req.path.split(".").pop()!]!,
      Vary: "Accept-Encoding",
      // A CDN in front (PUBLIC_ASSET_BASE) hands module scripts to the game's pages: they are fetched with CORS.
      "Access-Control-Allow-Origin": "*",
    });
    if (encoding) res.set("Content-Encoding", encoding);
    res.sendFile(path, { cacheControl: false, lastModified: false }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });
  router.use(express.static(dir, { index: false }));
  return router;
}

/**
 * The client's files as the build writes them (scripts/build-client.ts) and the server serves them
 * (server/ops/staticFiles.ts): content-hashed names, so a file never changes under its name and
 * browsers and CDNs may keep it for good; precompressed beside it.
 */

/** A hashed file's path: `/main.<hash>.js`, `/style.<hash>.css` (esbuild's 8-character hash). */
export const HASHED_ASSET_PATH = /^\/[A-Za-z0-9_-]+\.[A-Z0-9]{8}\.(js|css)$/;

/** Encodings written beside each hashed file, best first: `<file>.br`, `<file>.gz`. */
export const PRECOMPRESSED = [
  { encoding: "br", suffix: ".br" },
  { encoding: "gzip", suffix: ".gz" },
] as const;

/** Cache-Control of a hashed file: a year, never revalidated. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
/** Cache-Control of index.html: revalidated at every load, so a deployment shows at once. */
export const PAGE_CACHE = "no-cache";

/** The client's files: hashed and cached for good, precompressed, index.html revalidated, a CDN origin (server/ops/staticFiles.ts). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { acceptedEncodings, pickEncoding } from "../../server/ops/staticFiles";
import { CLIENT_OUT_DIR } from "../../scripts/client-paths";
import { buildClient, type ClientBuild } from "../../scripts/build-client";
import { getFrom } from "../helpers/addresses";
import { useServer } from "../helpers/server";

/** GET `path` with its bytes as sent (fetch would decode them). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("static files", function () {
  this.timeout(30_000);
  let built: ClientBuild;
  before(async () => (built = await buildClient()));

  describe("served by the process", () => {
    const server = useServer();
    const get = (path: string, headers: Record<string, string> = {}) => getFrom(server.port, "127.0.0.1", path, headers);

    it("serves index.html revalidated at every load, naming the hashed files, with a 304 for an unchanged page", async () => {
      const page = await get("/");
      assert.equal(page.status, 200);
      assert.equal(page.headers["cache-control"], "no-cache");
      assert.match(page.body, new RegExp(`<script type="module" src="/${built.script.replace(/\./g, "\\.")}">`));
      assert.match(page.body, new RegExp(`<link rel="stylesheet" href="/${built.style.replace(/\./g, "\\.")}">`));
      const again = await get("/", { "If-None-Match": String(page.headers.etag) });
      assert.equal(again.status, 304);
      assert.equal((await get("/index.html")).body, page.body);
    });

    it("serves a hashed file for a year, immutable, in the best encoding the request accepts", async () => {
      const raw = readFileSync(join(CLIENT_OUT_DIR, built.script));
      for (const [accept, encoding] of [
        ["gzip, deflate, br, zstd", "br"],
        ["gzip", "gzip"],
        ["br;q=0, gzip;q=0.5", "gzip"],
        ["identity", undefined],
        ["", undefined],
      ] as const) {
        const reply = await rawGet(server.port, `/${built.script}`, { "Accept-Encoding": accept });
        assert.equal(reply.status, 200, accept);
        assert.equal(reply.headers["cache-control"], "public, max-age=31536000, immutable");
        assert.equal(reply.headers["content-encoding"], encoding, `Accept-Encoding: ${accept}`);
        assert.equal(reply.headers["content-type"], "text/javascript; charset=utf-8");
        assert.equal(reply.headers["vary"], "Accept-Encoding");
        const decoded = encoding === "br" ? brotliDecompressSync(reply.body) : encoding === "gzip" ? gunzipSync(reply.body) : reply.body;
        assert.ok(decoded.equals(raw), `${accept}: the bundle itself`);
        if (encoding) assert.ok(reply.body.length < raw.length / 2, `${encoding} is under half the bundle`);
      }
      const css = await get(`/${built.style}`, { "Accept-Encoding": "br" });
      assert.deepEqual([css.headers["content-encoding"], css.headers["content-type"]], ["br", "text/css; charset=utf-8"]);
    });

    it("answers a hashed name the build did not write with 404, and lets a CDN fetch hashed files for another origin", async () => {
      assert.equal((await get("/main.AAAAAAAA.js")).status, 404);
      const cors = await get(`/${built.script}`, { Origin: "https://game.example" });
      assert.equal(cors.headers["access-control-allow-origin"], "*");
    });
  });

  describe("PUBLIC_ASSET_BASE", () => {
    const server = useServer({ PUBLIC_ASSET_BASE: "https://cdn.example/game" });

    it("makes index.html load the hashed files from the CDN origin", async () => {
      const page = await getFrom(server.port, "127.0.0.1", "/");
      assert.ok(page.body.includes(`src="https://cdn.example/game/${built.script}"`), page.body.slice(0, 600));
      assert.ok(page.body.includes(`href="https://cdn.example/game/${built.style}"`));
    });
  });

  it("reads Accept-Encoding with its q-values, and falls back to the plain file", () => {
    assert.deepEqual([...acceptedEncodings("gzip, br;q=0.9, zstd;q=0")], ["gzip", "br"]);
    const exists = (path: string) => path.endsWith(".gz");
    assert.deepEqual(pickEncoding("/x/main.A.js", "br, gzip", exists), { path: "/x/main.A.js.gz", encoding: "gzip" });
    assert.deepEqual(pickEncoding("/x/main.A.js", "*", () => true), { path: "/x/main.A.js.br", encoding: "br" });
    assert.deepEqual(pickEncoding("/x/main.A.js", undefined, () => true), { path: "/x/main.A.js" });
  });
});

/**
 * The HTTP front door: body caps on every spelling of a matchmaking URL and on every other route,
 * chunked or declared, refused without being read; CORS on the admin routes; source maps in
 * production; a lower-case bearer scheme. Each refusal is checked with an honest request beside it.
 */
import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import { createSecretKey } from "node:crypto";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { buildClient } from "../../scripts/build-client";
import { mintToken } from "../../scripts/token";
import { bodyCapFor, isMatchmakeUrl } from "../../server/security/frontDoor";
import { MAX_HTTP_BODY_BYTES, MAX_JOIN_OPTIONS_BYTES, RoomName } from "../../server/shared/protocol";
import { MATCHMAKE_SPELLINGS, OTHER_ROUTES } from "../fuzz/http";
import { adminAuthorization } from "../helpers/admin";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { rawPost, streamBody } from "../helpers/raw";
import { hearAll, sdkOf } from "../helpers/rooms";
import { useServer, type TestServer } from "../helpers/server";
import { EVENT_TIMEOUT_MS, eventually } from "../helpers/wait";

/** Resident set size of a process, from /proc (Linux). */
function rssMb(pid: number): number {
  const kb = Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m)?.[1]);
  assert.ok(Number.isFinite(kb), "VmRSS readable");
  return kb / 1024;
}

describe("front door: body caps", () => {
  const server = useServer();

  it("uses Colyseus's own route test, so every spelling it routes gets the join-options cap", () => {
    for (const url of ["/matchmake/joinOrCreate/battle", "/matchmake.joinOrCreate.battle", "//matchmake/x", "/a/matchmake", "/health?/matchmake"]) {
      assert.equal(isMatchmakeUrl(url), true, url);
      assert.equal(bodyCapFor(url), MAX_JOIN_OPTIONS_BYTES, url);
    }
    for (const url of ["/MATCHMAKE/joinOrCreate/battle", "/%6datchmake/x", "/health", "/colyseus/api"]) {
      assert.equal(isMatchmakeUrl(url), false, url);
      assert.equal(bodyCapFor(url), MAX_HTTP_BODY_BYTES, url);
    }
  });

  it("refuses an oversize chunked or declared body with 413 on every matchmaking spelling, and creates no room", async () => {
    const { port } = server;
    for (const path of MATCHMAKE_SPELLINGS) {
      for (const contentLength of [false, true]) {
        const reply = await streamBody(port, path, 1024 * 1024, { contentLength, chunkBytes: 4096 });
        assert.equal(reply.status, 413, `${path.slice(0, 50)} ${contentLength ? "declared" : "chunked"}`);
      }
    }
    assert.equal((await matchMaker.query({})).length, 0, "no room was created");
    // The honest half: the dotted spelling Colyseus also routes still joins with a small body.
    const dotted = await rawPost(port, "/matchmake.joinOrCreate.battle", '{"name":"Ann"}', { "Content-Type": "application/json" });
    assert.equal(dotted.status, 200);
    assert.ok((JSON.parse(dotted.body) as { sessionId?: string }).sessionId, "a seat was reserved");
    const chunkedSmall = await rawPost(port, "/matchmake/joinOrCreate/battle", '{"name":"Ben"}', { "Transfer-Encoding": "chunked" });
    assert.ok((JSON.parse(chunkedSmall.body) as { sessionId?: string }).sessionId, "a small chunked body is read");
  });

  it("refuses an oversize body on every other route (admin panel, metrics, static files) with 413", async () => {
    const { port } = server;
    for (const path of OTHER_ROUTES) {
      for (const contentLength of [false, true]) {
        const reply = await streamBody(port, path, 1024 * 1024, { contentLength, chunkBytes: 4096 });
        assert.equal(reply.status, 413, `${path} ${contentLength ? "declared" : "chunked"}`);
      }
    }
    const honest = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(honest.status, 200);
  });

  it("lets a player join as before, through colyseus.js", async () => {
    const room = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Cy" }));
    assert.ok(room.sessionId);
  });
});

/** Uploader processes at once, each through every spelling (test/helpers/uploader.ts). */
const CONCURRENT_UPLOADERS = 3;

/**
 * A body read whole adds about 100 MB; three uploads at once, each cut off at the cap, with the
 * heap's churn measured 6–17 MB (the sentBytes check above is the exact one).
 */
const RSS_GROWTH_MAX_MB = 40;

interface Upload {
  path: string;
  status: number;
  sentBytes: number;
}

describe("front door: a real server process under a 100 MB chunked body", function () {
  this.timeout(60_000);
  let proc: ServerProcess;

  before(async () => {
    proc = await spawnServer({ ADMIN_PASSWORD: "front-door-test-password" });
    // tsx on a busy machine: the first answer says it is up.
    await eventually(() => fetch(`http://127.0.0.1:${proc.port}/health`).then((r) => r.ok, () => false), "the server to answer", 5 * EVENT_TIMEOUT_MS);
  });
  after(async () => {
    proc.child.kill("SIGKILL");
    await proc.exited;
  });

  it("refuses 100 MB chunked from three uploaders at once, out of step, to every matchmaking spelling, reading a few MB of each, with server RSS growth under 40 MB; an honest join still works", async () => {
    // The baseline is a server that has served (first requests load code whatever their body).
    for (const path of ["/matchmake/joinOrCreate/battle", "/matchmake.joinOrCreate.battle"]) {
      await rawPost(proc.port, path, '{"name":"Warm"}', { "Content-Type": "application/json" });
    }
    const before = rssMb(proc.child.pid!);
    let sent = 0;
    let grownFirst = 0;
    // Attackers that never read the answer and write on until the server hangs up, in processes of
    // their own and out of step: overlapping uploads once made Node read whole bodies despite the
    // pause (stopReading in frontDoor.ts).
    const uploads = await Promise.all(
      Array.from({ length: CONCURRENT_UPLOADERS }, async (_, k) => {
        const uploader = spawn(process.execPath, ["--import", "tsx", "test/helpers/uploader.ts", String(proc.port), String(k * 7)], { stdio: ["ignore", "pipe", "inherit"] });
        const lines: Upload[] = [];
        for await (const line of createInterface({ input: uploader.stdout })) {
          lines.push(JSON.parse(line) as Upload);
          grownFirst ||= rssMb(proc.child.pid!) - before;
        }
        return lines;
      }),
    );
    for (const { path, status, sentBytes } of uploads.flat()) {
      assert.equal(status, 413, path.slice(0, 50));
      assert.ok(sentBytes < 20 * 1024 * 1024, `${path.slice(0, 50)}: ${(sentBytes / 2 ** 20).toFixed(1)} MB taken before the hang-up`);
      sent += sentBytes;
    }
    const count = uploads.flat().length;
    assert.equal(count, MATCHMAKE_SPELLINGS.length * CONCURRENT_UPLOADERS, "every upload reported");
    const grown = rssMb(proc.child.pid!) - before;
    console.log(`      RSS ${before.toFixed(1)} MB; grew ${grownFirst.toFixed(1)} MB after the first upload, ${grown.toFixed(1)} MB after all ${count}; ${(sent / 2 ** 20 / count).toFixed(1)} MB per upload written before the hang-up`);
    assert.ok(grownFirst < RSS_GROWTH_MAX_MB, `RSS grew ${grownFirst.toFixed(1)} MB on the first upload`);
    assert.ok(grown < RSS_GROWTH_MAX_MB, `RSS grew ${grown.toFixed(1)} MB over ${count} uploads`);
    const honest = await rawPost(proc.port, "/matchmake/joinOrCreate/battle", '{"name":"Honest"}', { "Content-Type": "application/json" });
    assert.ok((JSON.parse(honest.body) as { sessionId?: string }).sessionId, "an honest join still gets a seat");
    assert.equal(proc.child.exitCode, null, "the server is still running");
  });
});

describe("front door: CORS, source maps and the bearer scheme", () => {
  const evil = "https://evil.example.com";
  const admin = (server: TestServer) => ({ authorization: adminAuthorization(server.settings) });

  describe("ALLOWED_ORIGINS unset", () => {
    const server = useServer();

    it("answers /metrics and /colyseus without CORS headers for any origin, preflight included; matchmaking keeps its CORS", async () => {
      const base = server.httpUrl;
      for (const path of ["/metrics", "/colyseus/api", "/COLYSEUS/api", "/metrics/"]) {
        const res = await fetch(`${base}${path}`, { headers: { ...admin(server), origin: evil } });
        assert.equal(res.headers.get("access-control-allow-origin"), null, path);
        assert.equal(res.headers.get("access-control-allow-credentials"), null, path);
        const preflight = await fetch(`${base}${path}`, { method: "OPTIONS", headers: { origin: evil, "access-control-request-method": "GET" } });
        assert.equal(preflight.headers.get("access-control-allow-origin"), null, `${path} preflight`);
      }
      const ok = await fetch(`${base}/metrics`, { headers: admin(server) });
      assert.equal(ok.status, 200, "same-origin admin use works");
      const mm = await rawPost(server.port, "/matchmake/joinOrCreate/battle", "{}", { "Content-Type": "application/json", Origin: "http://localhost:5173" });
      assert.equal(mm.headers["access-control-allow-origin"], "http://localhost:5173", "a dev page on another port can still matchmake");
    });
  });

  describe("ALLOWED_ORIGINS set", () => {
    const good = "https://ops.example.com";
    const server = useServer({ ALLOWED_ORIGINS: good });

    it("gives the listed origin CORS on /metrics and refuses others", async () => {
      const base = server.httpUrl;
      const listed = await fetch(`${base}/metrics`, { headers: { ...admin(server), origin: good } });
      assert.equal(listed.headers.get("access-control-allow-origin"), good);
      const foreign = await fetch(`${base}/metrics`, { headers: { ...admin(server), origin: evil } });
      assert.equal(foreign.status, 403);
      assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    });
  });

  describe("NODE_ENV=production", () => {
    let mapPath = "";
    before(async function () {
      this.timeout(30_000);
      mapPath = `/${(await buildClient()).script}.map`;
    });
    const server = useServer({ NODE_ENV: "production" });

    it("serves the bundle but not its source map", async () => {
      const base = server.httpUrl;
      assert.equal((await fetch(`${base}${mapPath.replace(/\.map$/, "")}`)).status, 200, "the bundle itself");
      assert.equal((await fetch(`${base}${mapPath}`)).status, 404);
      assert.equal((await fetch(`${base}${mapPath.toUpperCase()}`)).status, 404);
    });
  });

  describe("signed tokens", () => {
    const secret = "front-door-test-secret-front-door-test";
    const server = useServer({ AUTH_JWT_SECRET: secret });

    it("accepts the bearer scheme in any case, and still refuses a missing token", async () => {
      const token = await mintToken(createSecretKey(Buffer.from(secret)), "HS256", { sub: "low" });
      for (const scheme of ["Bearer", "bearer", "BEARER"]) {
        const reply = await rawPost(server.port, "/matchmake/joinOrCreate/battle", "{}", { "Content-Type": "application/json", Authorization: `${scheme} ${token}` });
        assert.ok((JSON.parse(reply.body) as { sessionId?: string }).sessionId, `${scheme}: ${reply.body}`);
      }
      const none = await rawPost(server.port, "/matchmake/joinOrCreate/battle", "{}", { "Content-Type": "application/json", Authorization: `Basic ${token}` });
      assert.equal((JSON.parse(none.body) as { code: number }).code, 4230);
    });
  });
});

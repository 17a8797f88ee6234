/** TLS_CERT_FILE/TLS_KEY_FILE served by the process itself, and the warning when production traffic is unencrypted. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { bannerText, startFacts } from "../../server/ops/banner";
import { readSettings } from "../../server/config";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { eventually } from "../helpers/wait";
import { makeCertificate, requireOpenssl, type TestCertificate } from "../helpers/tls";

const UNENCRYPTED = "traffic is unencrypted: set TLS_CERT_FILE and TLS_KEY_FILE, or put a TLS proxy in front and name it in TRUSTED_PROXY";
const PRODUCTION = { NODE_ENV: "production", ADMIN_PASSWORD: "a production password" };

function getOverTls(port: number, path: string, ca: string): Promise<{ status: number; protocol: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, ca, servername: "localhost", agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, protocol: (res.socket as import("node:tls").TLSSocket).getProtocol() ?? "", body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("encryption: TLS in the process, and the production warning", function () {
  this.timeout(30_000);
  let cert: TestCertificate | undefined;
  let server: ServerProcess | undefined;
  before(function () {
    requireOpenssl(this);
    cert = makeCertificate();
  });
  afterEach(() => {
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
    server = undefined;
  });
  after(() => cert?.remove());

  it("serves https with TLS_CERT_FILE and TLS_KEY_FILE, says so in the banner, and answers no plain http", async () => {
    server = await spawnServer({ TLS_CERT_FILE: cert!.certFile, TLS_KEY_FILE: cert!.keyFile, LOG_FORMAT: "json" });
    const listening = await server.line((line) => line.msg === "listening", "listening");
    assert.equal(listening.gameUrl, `https://localhost:${server.port}/`);
    assert.equal(listening.tls, "TLS_CERT_FILE");
    const reply = await getOverTls(server.port, "/health", readFileSync(cert!.certFile, "utf8"));
    assert.deepEqual([reply.status, reply.body], [200, '{"status":"ok"}']);
    assert.match(reply.protocol, /^TLSv1\.[23]$/);
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/health`), "plain http is not answered");
    assert.ok(!server.lines.some((line) => line.msg === UNENCRYPTED));
  });

  it("warns once in the log and in the banner when NODE_ENV=production has neither TLS nor TRUSTED_PROXY", async () => {
    server = await spawnServer({ ...PRODUCTION, LOG_FORMAT: "json" });
    await server.line((line) => line.msg === "listening", "listening");
    assert.equal(server.lines.filter((line) => line.msg === UNENCRYPTED && line.level === "warn").length, 1);
    // The banner follows the listening line, on stderr with JSON logs.
    await eventually(() => server!.stderr.some((line) => /^tls +WARNING: traffic is unencrypted/.test(line)), "the banner's warning");
  });

  it("does not warn behind a TLS proxy named in TRUSTED_PROXY, nor outside production", () => {
    const proxied = bannerText(startFacts(readSettings({ ...PRODUCTION, TRUSTED_PROXY: "10.0.0.1" }), 2567, "LocalPresence", "LocalDriver", "json"), undefined, false);
    assert.match(proxied, /^tls +terminated by the proxy in TRUSTED_PROXY$/m);
    const development = bannerText(startFacts(readSettings({}), 2567, "LocalPresence", "LocalDriver", "json"), undefined, false);
    assert.match(development, /^tls +off \(http and ws; development\)$/m);
    assert.ok(!/WARNING/.test(proxied + development));
  });

  it("names the region, every region and a chat Redis of its own, without credentials", () => {
    const settings = readSettings({ REGION: "eu", REGIONS: "eu=http://eu.test,us=http://us.test", CHAT_REDIS_URL: "redis://:s3cret@chat.internal:6380" });
    const text = bannerText(startFacts(settings, 2567, "LocalPresence", "LocalDriver", "json"), undefined, false);
    assert.match(text, /^region +eu of eu, us; chat Redis redis:\/\/chat.internal:6380$/m);
    assert.ok(!text.includes("s3cret"));
  });
});

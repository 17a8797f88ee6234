/** REGION, REGIONS, CHAT_REDIS_URL, TLS_CERT_FILE, TLS_KEY_FILE and PUBLIC_ASSET_BASE (server/config/regions.ts, edge.ts). */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, readSettings } from "../../server/config";
import { REGIONS_MAX } from "../../server/config/regions";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { makeCertificate, requireOpenssl, type TestCertificate } from "../helpers/tls";
import { EVENT_TIMEOUT_MS } from "../helpers/wait";

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readSettings(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

const TWO = "eu=https://eu.play.example,us=https://us.play.example/game/";
const PRODUCTION = { NODE_ENV: "production", ADMIN_PASSWORD: "a production password" };

describe("configuration: regions, chat Redis, TLS and the asset base", function () {
  let cert: TestCertificate;
  let other: TestCertificate;
  before(function () {
    requireOpenssl(this);
    cert = makeCertificate();
    other = makeCertificate();
  });
  after(() => {
    cert?.remove();
    other?.remove();
  });

  it("reads REGION and REGIONS (URLs without a trailing slash), and CHAT_REDIS_URL over REDIS_URL", () => {
    const s = readSettings({ REGION: "us", REGIONS: TWO, REDIS_URL: "redis://10.0.0.2:6379", PUBLIC_ADDRESS: "us.play.example", CHAT_REDIS_URL: "rediss://chat.example:6380/1" });
    assert.deepEqual(s.regions, {
      here: "us",
      list: [
        { id: "eu", url: "https://eu.play.example" },
        { id: "us", url: "https://us.play.example/game" },
      ],
      chatRedisUrl: "rediss://chat.example:6380/1",
    });
    assert.equal(readSettings({ CHAT_REDIS_URL: "redis://127.0.0.1:7000" }).regions.chatRedisUrl, "redis://127.0.0.1:7000", "a chat Redis without a regional one");
    assert.deepEqual(readSettings({ REGION: "eu", REGIONS: "eu=http://127.0.0.1:2567" }).regions.list, [{ id: "eu", url: "http://127.0.0.1:2567" }], "http outside production");
  });

  it("reads TLS_CERT_FILE and TLS_KEY_FILE once, and PUBLIC_ASSET_BASE", () => {
    const { edge } = readSettings({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile, PUBLIC_ASSET_BASE: "https://cdn.example/game/" });
    assert.match(edge.tls!.cert, /BEGIN CERTIFICATE/);
    assert.match(edge.tls!.key, /PRIVATE KEY/);
    assert.equal(edge.tls!.certFile, cert.certFile);
    assert.equal(edge.assetBase, "https://cdn.example/game");
  });

  const many = Array.from({ length: REGIONS_MAX + 1 }, (_, i) => `r${i}=https://r${i}.example`).join(",");
  const bad: Array<[string, () => NodeJS.ProcessEnv]> = [
    ["REGIONS", () => ({ REGION: "eu", REGIONS: "eu https://eu.play.example" })],
    ["REGIONS", () => ({ REGION: "eu", REGIONS: "eu=" })],
    ["REGIONS", () => ({ REGION: "eu", REGIONS: "EU=https://eu.play.example" })],
    ["REGIONS", () => ({ REGION: "eu", REGIONS: "eu=ftp://eu.play.example" })],
    ["REGIONS", () => ({ REGION: "eu", REGIONS: "eu=https://eu.play.example/?x=1" })],
    ["REGIONS", () => ({ REGION: "eu", REGIONS: "eu=https://eu.play.example,eu=https://eu2.play.example" })],
    ["REGIONS", () => ({ REGION: "eu", REGIONS: ",," })],
    ["REGIONS", () => ({ REGION: "r0", REGIONS: many })],
    ["REGIONS", () => ({ ...PRODUCTION, REGION: "eu", REGIONS: "eu=http://eu.play.example" })],
    ["REGION", () => ({ REGION: "asia", REGIONS: TWO })],
    ["REGION", () => ({ REGIONS: TWO })],
    ["REGION", () => ({ REGION: "eu" })],
    ["REGION", () => ({ REGION: "Europe West", REGIONS: TWO })],
    ["CHAT_REDIS_URL", () => ({ CHAT_REDIS_URL: "http://chat.example" })],
    ["TLS_CERT_FILE", () => ({ TLS_CERT_FILE: join(cert.dir, "missing.pem"), TLS_KEY_FILE: cert.keyFile })],
    ["TLS_KEY_FILE", () => ({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: join(cert.dir, "missing.pem") })],
    ["TLS_CERT_FILE", () => ({ TLS_KEY_FILE: cert.keyFile })],
    ["TLS_KEY_FILE", () => ({ TLS_CERT_FILE: cert.certFile })],
    ["TLS_CERT_FILE", () => ({ TLS_CERT_FILE: cert.keyFile, TLS_KEY_FILE: cert.keyFile })],
    ["TLS_KEY_FILE", () => ({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.certFile })],
    ["TLS_KEY_FILE", () => ({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: other.keyFile })],
    ["PUBLIC_ASSET_BASE", () => ({ PUBLIC_ASSET_BASE: "http://cdn.example" })],
    ["PUBLIC_ASSET_BASE", () => ({ PUBLIC_ASSET_BASE: "cdn.example" })],
  ];
  for (const [index, [name, env]] of bad.entries()) {
    it(`refuses bad setting #${index + 1} with one line naming ${name}`, () => {
      const message = refusal(env());
      assert.match(message, new RegExp(`^"?${name}"?[ :]`));
      assert.ok(!message.includes("\n"), message);
    });
  }

  describe("a real start", function () {
    this.timeout(30_000);
    let server: ServerProcess | undefined;
    afterEach(() => {
      if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
      server = undefined;
    });

    for (const [what, env, line] of [
      ["a duplicate region id", { REGION: "eu", REGIONS: "eu=http://a.example,eu=http://b.example" }, /^Invalid configuration: "REGIONS" names region "eu" twice$/],
      ["a missing certificate file", { TLS_CERT_FILE: "/nonexistent/cert.pem", TLS_KEY_FILE: "/nonexistent/key.pem" }, /^Invalid configuration: "TLS_CERT_FILE": cannot read \/nonexistent\/cert.pem \(ENOENT\)$/],
    ] as const) {
      it(`stops with exit code 1 and one line on ${what}`, async () => {
        server = await spawnServer({ ...env });
        const exited = await Promise.race([server.exited, new Promise<undefined>((resolve) => setTimeout(resolve, 3 * EVENT_TIMEOUT_MS))]);
        assert.equal(exited?.code, 1);
        const errors = server.stderr.filter((text) => text.startsWith("Invalid configuration"));
        assert.equal(errors.length, 1, server.stderr.join("\n"));
        assert.match(errors[0]!, line);
        assert.ok(!server.stderr.some((text) => text.trim().startsWith("at ")), "no stack trace");
      });
    }
  });

  it("keeps an unreadable certificate's reason short (a folder instead of a file)", () => {
    writeFileSync(join(cert.dir, "note"), "x");
    assert.match(refusal({ TLS_CERT_FILE: cert.dir, TLS_KEY_FILE: cert.keyFile }), /^"TLS_CERT_FILE": cannot read .* \(EISDIR\)$/);
  });
});

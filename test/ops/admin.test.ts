/**
 * The admin door of a real server process: wrong logins throttled per address (HTTP 429, counted),
 * attacker-chosen user names cut in the log, and no start in production without ADMIN_PASSWORD.
 */
import assert from "node:assert/strict";
import { ADMIN_LOGIN_FAILURES_MAX, LOGGED_USER_MAX_CHARS } from "../../server/shared/protocol";
import { basicAuth } from "../helpers/admin";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { EVENT_TIMEOUT_MS, eventually } from "../helpers/wait";

const PASSWORD = "admin-test-password-long";

describe("admin door of a real server process", function () {
  this.timeout(30_000);
  let server: ServerProcess | undefined;

  afterEach(() => {
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
    server = undefined;
  });

  it(`answers 429 after ${ADMIN_LOGIN_FAILURES_MAX} wrong logins from one address, even to the right password; another address logs in`, async () => {
    server = await spawnServer({ ADMIN_PASSWORD: PASSWORD, TRUSTED_PROXY: "127.0.0.1", LOG_LEVEL: "warn" });
    const base = `http://127.0.0.1:${server.port}`;
    // LOG_LEVEL=warn prints no "listening" line: the first answer says it is up.
    await eventually(() => fetch(`${base}/health`).then((r) => r.ok, () => false), "the server to answer", 4 * EVENT_TIMEOUT_MS);
    const from = (address: string, authorization: string) => fetch(`${base}/metrics`, { headers: { authorization, "x-forwarded-for": address } });

    const longName = "x".repeat(8192);
    const statuses = [];
    for (let i = 0; i < ADMIN_LOGIN_FAILURES_MAX + 3; i++) statuses.push((await from("203.0.113.9", basicAuth(longName, "guess" + i))).status);
    assert.deepEqual(statuses, [...Array(ADMIN_LOGIN_FAILURES_MAX).fill(401), 429, 429, 429]);
    assert.equal((await from("203.0.113.9", basicAuth("admin", PASSWORD))).status, 429, "throttled: not even the right password is tried");

    const honest = await from("198.51.100.1", basicAuth("admin", PASSWORD));
    assert.equal(honest.status, 200, "another address is not throttled");
    const metrics = await honest.text();
    assert.match(metrics, new RegExp(`game_admin_login_refusals_total\\{reason="wrong_credentials"\\} ${ADMIN_LOGIN_FAILURES_MAX}`));
    assert.match(metrics, /game_admin_login_refusals_total\{reason="throttled"\} 4/);

    const refusedLines = server.lines.filter((l) => l.msg === "admin login refused");
    assert.equal(refusedLines.length, ADMIN_LOGIN_FAILURES_MAX, "one line per wrong login, none while throttled");
    for (const line of refusedLines) {
      assert.equal(line.user, "x".repeat(LOGGED_USER_MAX_CHARS), "the user name is cut");
      assert.equal(line.ip, "203.0.113.9", "the address behind the trusted proxy");
    }
  });

  it("refuses to start with NODE_ENV=production and no ADMIN_PASSWORD, with one line naming it", async () => {
    server = await spawnServer({ NODE_ENV: "production", ADMIN_PASSWORD: "" });
    const { code } = await server.exited;
    assert.equal(code, 1);
    assert.deepEqual(server.stderr.filter((l) => l.startsWith("Invalid configuration")), ['Invalid configuration: "ADMIN_PASSWORD" must be set when NODE_ENV=production']);
    assert.ok(!server.lines.some((l) => typeof l.adminPassword === "string"), "no password generated or logged");
  });
});

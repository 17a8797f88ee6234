import assert from "node:assert/strict";
import { request } from "node:http";
import { ADMIN_LOGIN_FAILURES_MAX } from "../../../server/shared/protocol";
import type { AbuseScenario } from "../scenario";

/** GET /metrics from `localAddress` with basic credentials; resolves with the status. */
function tryLogin(port: number, localAddress: string, user: string, password: string): Promise<number> {
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, localAddress, path: "/metrics", headers: { authorization } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

export const scenario: AbuseScenario = {
  name: "admin-login-guess",
  attack: "one address guesses admin passwords with 8 KB user names",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const statuses: Record<string, number> = {};
    let stop = false;
    const over = ctx.attackFor(ctx.short ? 1000 : 20_000).then(() => (stop = true));
    let tries = 0;
    // At least one guess past the throttle's allowance, however slow the server.
    while (!stop || tries <= ADMIN_LOGIN_FAILURES_MAX) {
      const status = await tryLogin(port, "127.0.0.6", "x".repeat(8192), `guess-${tries++}`);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    await over;
    assert.equal(statuses["401"], ADMIN_LOGIN_FAILURES_MAX, `only the first few guesses were checked: ${JSON.stringify(statuses)}`);
    assert.equal(statuses["200"] ?? 0, 0);
    return { guesses: tries, checked: statuses["401"] ?? 0, throttled: statuses["429"] ?? 0 };
  },
};

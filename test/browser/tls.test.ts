/** A battle and a chat line over https and wss served by the process itself (TLS_CERT_FILE, TLS_KEY_FILE), in Chromium. */
import assert from "node:assert/strict";
import { untilDrawn, useBrowserSuite } from "../helpers/browser";
import type { Env } from "../helpers/server";
import { makeCertificate, requireOpenssl, type TestCertificate } from "../helpers/tls";

describe("browser client over TLS_CERT_FILE (Chromium)", function () {
  this.timeout(45_000);
  // Filled before the server boots (hooks run in the order registered).
  const env: Env = {};
  let cert: TestCertificate | undefined;
  before(function () {
    requireOpenssl(this);
    cert = makeCertificate(["localhost", "127.0.0.1"]);
    Object.assign(env, { TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile });
  });
  after(() => cert?.remove());
  // The test's own certificate: Chromium is told to accept it, as a player's would a real one.
  const suite = useBrowserSuite({ ignoreHTTPSErrors: true }, env);

  it("loads the page over https, plays a battle and says a chat line over wss", async () => {
    const base = `https://localhost:${suite.server.port}/`;
    const page = await suite.open(base);
    const sockets: string[] = [];
    page.on("websocket", (socket) => sockets.push(socket.url()));
    assert.equal(await page.evaluate("location.protocol"), "https:");
    await page.fill("#name", "Tia");
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === 'Tia')");
    // The battle's chat is joined (its own "joined" line) before a line is typed: the input sends only then.
    await page.waitForSelector('#chat-log .line.system:has-text("Tia joined")');
    await page.fill("#chat-input", "said over wss");
    await page.press("#chat-input", "Enter");
    await page.waitForSelector('#chat-log .line.user:has-text("said over wss")');
    assert.ok(sockets.length >= 2, `battle and chat sockets: ${sockets.join(", ")}`);
    for (const url of sockets) assert.match(url, new RegExp(`^wss://localhost:${suite.server.port}/`));
  });
});

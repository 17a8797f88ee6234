/**
 * Runs the nginx sample (deploy/nginx.conf, docs/scaling.md) for real in front of two processes, with
 * the ports and certificate paths changed: TLS with a self-signed certificate made by openssl, a
 * battle and a chat line over https and wss in Chromium. Skipped loudly without nginx (apt-get
 * install -y nginx); with CI=true, a failure.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { FallbackClient, TransportChoice } from "../../client/transport";
import { RefusedWebSocket } from "../helpers/noUpgradeProxy";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type Room as ClientRoom } from "colyseus.js";
import type { Browser } from "playwright-core";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { ClientMessage, RoomName } from "../../server/shared/protocol";
import { buildClient } from "../../scripts/build-client";
import { launchChromium, PAGE_TIMEOUT_MS, untilDrawn, watchPage } from "../helpers/browser";
import { requireRedisServer, startRedis, startServer, type RedisProcess, type ServerProcess } from "../helpers/cluster";
import { eventually } from "../helpers/wait";
import { freePort } from "../helpers/ports";
import { requireInstalled } from "../helpers/installed";
import { hearAll, sdkOf, until } from "../helpers/rooms";
import { makeCertificate, requireOpenssl, type TestCertificate } from "../helpers/tls";
import { asRoom, send } from "../../client/rooms";

const NGINX = "/usr/sbin/nginx";

/** HEAD `path` of nginx's TLS port, trusting the test's own certificate: status and headers. */
function headOverTls(port: number, path: string, ca: string): Promise<{ status: number; headers: Record<string, unknown>; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "HEAD", ca, servername: "localhost", agent: false }, (res) => {
      const protocol = (res.socket as import("node:tls").TLSSocket).getProtocol() ?? "";
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, protocol }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("nginx with TLS in front of two processes (deploy/nginx.conf)", function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let servers: ServerProcess[] = [];
  let nginx: ChildProcess | undefined;
  let prefix: string | undefined;
  let cert: TestCertificate | undefined;
  let browser: Browser | null = null;
  let tlsPort: number;
  let plainPort: number;
  let redirectPort: number;
  const rooms: ClientRoom[] = [];

  before(async function () {
    requireRedisServer(this);
    requireOpenssl(this);
    requireInstalled(this, NGINX, "the nginx sample was not run (apt-get install -y nginx)");
    [tlsPort, plainPort, redirectPort] = [await freePort(), await freePort(), await freePort()];
    const [first, second] = [await freePort(), await freePort()];
    cert = makeCertificate(["localhost", "127.0.0.1"]);
    const ports: Record<string, number> = { "2567": first, "2568": second };
    const sample = readFileSync("deploy/nginx.conf", "utf8")
      .replace(/2567|2568/g, (port) => String(ports[port]))
      .replace("listen 80;", `listen 127.0.0.1:${redirectPort};`)
      // A plain listener beside the TLS one, for this test's Node clients only: Node's websocket
      // client cannot be told to trust a test certificate. Browsers use the TLS port.
      .replace("listen 443 ssl http2;", `listen 127.0.0.1:${tlsPort} ssl http2;\n    listen 127.0.0.1:${plainPort};`)
      .replace("/etc/ssl/game/fullchain.pem", cert.certFile)
      .replace("/etc/ssl/game/privkey.pem", cert.keyFile)
      .replace("root /var/www/letsencrypt;", `root ${cert.dir};`);
    prefix = mkdtempSync(join(tmpdir(), "nginx-"));
    mkdirSync(join(prefix, "logs"));
    writeFileSync(join(prefix, "colyseus.conf"), sample);
    writeFileSync(
      join(prefix, "nginx.conf"),
      `daemon off; pid ${prefix}/nginx.pid; error_log ${prefix}/logs/error.log;
       events {}
       http { access_log off; client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;
              include ${prefix}/colyseus.conf; }`,
    );

    await buildClient();
    redis = await startRedis();
    // Clients reach every process at nginx's TLS port: wss://127.0.0.1:<tls>/p<port>/<processId>/<roomId>.
    servers = await Promise.all(
      [first, second].map((port) => startServer(redis.url, port, `127.0.0.1:${tlsPort}/p${port}`, { TRUSTED_PROXY: "127.0.0.1" })),
    );
    nginx = spawn(NGINX, ["-p", prefix, "-c", join(prefix, "nginx.conf")], { stdio: ["ignore", "inherit", "inherit"] });
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${plainPort}/__healthcheck`).catch(() => undefined))?.ok ? true : undefined),
      "nginx to answer",
    );
  });
  after(async () => {
    await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
    await browser?.close();
    nginx?.kill("SIGQUIT");
    await Promise.all(servers.map((server) => server.stop("SIGKILL")));
    await redis?.stop();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
    cert?.remove();
  });

  /** The TLS port the processes announce, swapped for the plain listener. */
  const plainUrl = (url: URL) => {
    url.port = String(plainPort);
    url.protocol = url.protocol === "wss:" ? "ws:" : url.protocol === "https:" ? "http:" : url.protocol;
    return url.toString();
  };
  /** A Node client through the plain listener. */
  const plainClient = () => new Client(`ws://127.0.0.1:${plainPort}`, { urlBuilder: plainUrl });

  it("matchmakes through nginx and routes each room's websocket to the process hosting it", async () => {
    const client = plainClient();
    const hostedBy = new Set<string>();
    // Placement spreads rooms at random among equally loaded processes: create until both host one.
    for (let attempt = 0; attempt < 20 && hostedBy.size < 2; attempt++) {
      const reservation = await (
        await fetch(`http://127.0.0.1:${plainPort}/matchmake/create/${RoomName.battle}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).json();
      const address: string = reservation.room.publicAddress;
      if (hostedBy.has(address)) continue;
      hostedBy.add(address);
      assert.match(address, new RegExp(`^127\\.0\\.0\\.1:${tlsPort}/p(${servers.map((s) => s.port).join("|")})$`));

      const owner = hearAll(asRoom(RoomName.battle, await client.consumeSeatReservation<BattleState>(reservation)));
      const guest = hearAll(await sdkOf(client).joinById(RoomName.battle, reservation.room.roomId, {}));
      rooms.push(owner, guest);
      const state = await until(guest, (s) => s.players?.has(guest.sessionId), "guest in state");
      const x0 = state.players.get(guest.sessionId)!.x;
      send(guest, ClientMessage.move, { dx: x0 < 500 ? 1 : -1, dy: 0, seq: 1 });
      // Each client gets only its own ack: the guest learns the move was applied, the owner sees it moved.
      await until(guest, (s) => s.players.get(guest.sessionId)?.lastInput === 1, "the guest's ack");
      await until(owner, (s) => s.players.get(guest.sessionId)?.x !== x0, "owner sees the guest's move");
    }
    assert.equal(hostedBy.size, 2, "both processes hosted a room reached through nginx");
  });

  it("routes a long-polling session through nginx to the process of its room", async () => {
    const choice = new TransportChoice(undefined, RefusedWebSocket);
    const client = new FallbackClient(`http://127.0.0.1:${plainPort}`, choice, { urlBuilder: (url) => plainUrl(url) });
    const battle = hearAll(await sdkOf(client).create(RoomName.battle, {}));
    rooms.push(battle);
    assert.notEqual(choice.mode, "websocket");
    await until(battle, (s) => s.players?.has(battle.sessionId), "in state");
    send(battle, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
    await until(battle, (s) => s.players.get(battle.sessionId)?.lastInput === 1, "the move's ack over the fallback");
  });

  it("speaks TLS 1.2 or 1.3 with HSTS, and sends plain http to https", async () => {
    const tls = await headOverTls(tlsPort, "/health", readFileSync(cert!.certFile, "utf8"));
    assert.equal(tls.status, 200);
    assert.match(tls.protocol, /^TLSv1\.[23]$/);
    assert.equal(tls.headers["strict-transport-security"], "max-age=63072000");
    const plain = await fetch(`http://127.0.0.1:${redirectPort}/?room=x`, { redirect: "manual" });
    assert.equal(plain.status, 301);
    assert.equal(plain.headers.get("location"), "https://127.0.0.1/?room=x");
  });

  it("plays a battle and says a chat line over https and wss in Chromium", async function () {
    browser = await launchChromium();
    if (!browser) return this.skip();
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    const problems = watchPage(page);
    const sockets: string[] = [];
    page.on("websocket", (socket) => sockets.push(socket.url()));
    await page.goto(`https://127.0.0.1:${tlsPort}/`);
    await page.fill("#name", "Tess");
    await page.click("#quick-play");
    await untilDrawn(page, "scene.players.some((p) => p.me && p.name === 'Tess')");
    // The battle's chat is joined (its own "joined" line) before a line is typed: the input sends only then.
    await page.waitForSelector('#chat-log .line.system:has-text("Tess joined")');
    await page.fill("#chat-input", "over wss");
    await page.press("#chat-input", "Enter");
    await page.waitForSelector('#chat-log .line.user:has-text("over wss")');
    assert.ok(sockets.length >= 2, `sockets: ${sockets.join(", ")}`);
    for (const url of sockets) assert.match(url, new RegExp(`^wss://127\\.0\\.0\\.1:${tlsPort}/p\\d+/`));
    assert.deepEqual(problems, []);
    await context.close();
  });
});

/**
 * HTTP connections counted in the front door: per address and in all, closed on arrival past a cap,
 * a WebSocket no longer counted once upgraded; short timeouts; 405 for a method a route does not serve.
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import type { Server as HttpServer } from "node:http";
import { HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, RoomName } from "../../server/shared/protocol";
import { metricValue } from "../helpers/metrics";
import { hearAll, sdkOf } from "../helpers/rooms";
import { useServer, type TestServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

/** A TCP connection from `localAddress` that sends nothing; resolves once open, with whether the server then closed it at once. */
function idle(port: number, localAddress: string): Promise<{ socket: Socket; closedAtOnce: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    socket.on("error", () => {});
    socket.once("connect", () => {
      // A refused connection is destroyed as it arrives: the client sees the close within a moment.
      const timer = setTimeout(() => resolve({ socket, closedAtOnce: false }), 150);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve({ socket, closedAtOnce: true });
      });
    });
    socket.once("error", reject);
  });
}

/** One raw request on a fresh connection; the status line's code (0 when the server closed without answering). */
function rawRequest(port: number, head: string): Promise<{ status: number; text: string; ms: number }> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const socket = connect({ host: "127.0.0.1", port });
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes("\r\n\r\n")) socket.end();
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve({ status: Number(text.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0), text, ms: performance.now() - startedAt }));
    socket.write(head);
  });
}

const httpServerOf = (server: TestServer) => server.current.server.transport.server as HttpServer;

describe("front door: HTTP connections", () => {
  const server = useServer({ HTTP_CONNECTIONS_PER_ADDRESS: "4", MAX_HTTP_CONNECTIONS: "10" });
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));

  it("closes a connection past HTTP_CONNECTIONS_PER_ADDRESS on arrival; another address is served; a closed one frees its place", async () => {
    const before = await metricValue(server.httpUrl, "game_http_connections_refused_total", { limit: "per_address" });
    for (let i = 0; i < 4; i++) {
      const held = await idle(server.port, "127.0.0.5");
      sockets.push(held.socket);
      assert.equal(held.closedAtOnce, false, `connection ${i + 1} is kept`);
    }
    const fifth = await idle(server.port, "127.0.0.5");
    assert.equal(fifth.closedAtOnce, true, "the fifth is closed on arrival");
    const other = await fetch(`${server.httpUrl}/health`);
    assert.equal(other.status, 200, "another address is served");
    sockets.pop()!.destroy();
    await eventually(async () => !(await idle(server.port, "127.0.0.5").then((c) => (sockets.push(c.socket), c.closedAtOnce))), "a place to free up");
    assert.ok((await metricValue(server.httpUrl, "game_http_connections_refused_total", { limit: "per_address" })) - before >= 1, "counted");
  });

  it("closes any connection past MAX_HTTP_CONNECTIONS, and stops counting one once it is a WebSocket", async () => {
    const players = [];
    for (let i = 0; i < 12; i++) players.push(hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "many" })));
    await eventually(() => server.context.httpConnections.open <= 2, "upgraded sockets are not HTTP connections");
    const room = 10 - server.context.httpConnections.open;
    for (let i = 0; i < room; i++) sockets.push((await idle(server.port, `127.0.1.${i + 1}`)).socket);
    assert.equal((await idle(server.port, "127.0.2.1")).closedAtOnce, true, "the process's cap");
    await Promise.all(players.map((room) => room.leave()));
  });

  it("answers a method matchmaking does not serve with 405 at once, instead of leaving it open", async () => {
    for (const method of ["PUT", "GET", "DELETE", "PATCH", "PROPFIND"]) {
      const reply = await rawRequest(server.port, `${method} /matchmake/joinOrCreate/${RoomName.battle} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
      assert.equal(reply.status, 405, method);
      assert.match(reply.text, /\r\nAllow: POST, OPTIONS\r\n/i);
      assert.ok(reply.ms < 1000, `${method} answered in ${reply.ms.toFixed(0)} ms`);
    }
  });

  it("ends slow or idle connections after short named timeouts", () => {
    const http = httpServerOf(server);
    assert.equal(http.headersTimeout, HTTP_HEADERS_TIMEOUT_MS);
    assert.equal(http.requestTimeout, HTTP_REQUEST_TIMEOUT_MS);
    assert.equal(http.keepAliveTimeout, HTTP_KEEP_ALIVE_TIMEOUT_MS);
    assert.ok(HTTP_HEADERS_TIMEOUT_MS <= 10_000 && HTTP_REQUEST_TIMEOUT_MS <= 15_000, "seconds, not Node's minutes");
  });
});

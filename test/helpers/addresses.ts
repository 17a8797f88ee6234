/**
 * Clients from other addresses on one machine: loopback is the whole 127/8, so a request or socket
 * can come from 127.0.0.2 while the honest player stays on 127.0.0.1; behind TRUSTED_PROXY=127.0.0.1
 * an X-Forwarded-For header names any address.
 */
import { Client, Protocol } from "colyseus.js";
import { execFileSync } from "node:child_process";
import { request } from "node:http";
import WebSocket from "ws";

/** The loopback host of the family of `localAddress`: an IPv6 source talks to ::1. */
const loopbackFor = (localAddress: string) => (localAddress.includes(":") ? "::1" : "127.0.0.1");
const urlHost = (localAddress: string) => (localAddress.includes(":") ? "[::1]" : "127.0.0.1");

/**
 * IPv6 source addresses on `lo` for the calling suite (documentation prefix 2001:db8::/32): added
 * in `before`, removed in `after`. Linux binds an IPv6 source only to an address it has, so each
 * is added as a /128. Needs root (CAP_NET_ADMIN): without it the suite is skipped loudly, and with
 * CI=true it fails.
 */
export function useLoopbackIpv6(addresses: readonly string[]): void {
  const added: string[] = [];
  before(function () {
    for (const address of addresses) {
      try {
        execFileSync("ip", ["-6", "addr", "add", `${address}/128`, "dev", "lo", "nodad"], { stdio: "pipe" });
        added.push(address);
      } catch (error) {
        const text = String((error as { stderr?: Buffer }).stderr ?? error);
        if (/exists/i.test(text)) continue;
        const message = `cannot add ${address} to lo (${text.trim()}): IPv6 per-address tests need root`;
        if (process.env.CI === "true") throw new Error(message);
        console.warn(`\n  !!! SKIPPED: ${message}\n`);
        this.skip();
      }
    }
  });
  after(() => {
    for (const address of added.splice(0)) execFileSync("ip", ["-6", "addr", "del", `${address}/128`, "dev", "lo"], { stdio: "pipe" });
  });
}

/** A seat reservation, or the refusal, as the matchmaking route answers it. */
export type Reservation = { room?: { roomId: string; processId: string }; sessionId?: string; code?: number; error?: string };

/** POST /matchmake/<method>/<room> from `localAddress`, with `headers` (X-Forwarded-For...). */
export function reserveFrom(
  port: number,
  localAddress: string,
  method: string,
  room: string,
  options: object = {},
  headers: Record<string, string> = {},
): Promise<Reservation & { status: number }> {
  const body = JSON.stringify(options);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: loopbackFor(localAddress),
        port,
        localAddress,
        path: `/matchmake/${method}/${room}`,
        method: "POST",
        headers: { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ...(JSON.parse(text) as Reservation) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Claims a reserved seat with a socket from `localAddress`; resolves once it is open (or rejects). */
export function openSeatFrom(port: number, localAddress: string, seat: Reservation): Promise<WebSocket> {
  const url = `ws://${urlHost(localAddress)}:${port}/${seat.room!.processId}/${seat.room!.roomId}?sessionId=${seat.sessionId}`;
  const socket = new WebSocket(url, { localAddress });
  // It acknowledges JOIN_ROOM as a real client does, so it holds its seat (a socket that never does
  // is the quiet-joiners' attack, closed at the acknowledgement deadline).
  socket.on("message", (data: Buffer) => {
    if (data[0] === Protocol.JOIN_ROOM) socket.send(Buffer.of(Protocol.JOIN_ROOM));
  });
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    socket.once("error", reject);
  });
}

/** Reserves and claims a seat from `localAddress`: an attacker's socket, kept open until closed. */
export async function joinFrom(port: number, localAddress: string, room: string, options: object = {}): Promise<WebSocket> {
  const seat = await reserveFrom(port, localAddress, "joinOrCreate", room, options);
  if (!seat.sessionId) throw Object.assign(new Error(seat.error ?? "refused"), { code: seat.code });
  return openSeatFrom(port, localAddress, seat);
}

/** A colyseus.js client whose matchmaking requests say they come from `address` (through a trusted proxy). */
export function clientVia(port: number, address: string, token?: string): Client {
  const client = new Client(`http://127.0.0.1:${port}`, { headers: { "X-Forwarded-For": address } });
  if (token !== undefined) client.auth.token = token;
  return client;
}

/** The wait after a 429 before an attacker asks again (it keeps within the matchmaking rate). */
const ATTACKER_BACKOFF_MS = 100;

/**
 * An attacker at `localAddress` that reserves seats (`optionsFor(n)` for the n-th) and sits in each
 * with an open socket, until a refusal other than the matchmaking rate; it holds what it got until
 * `over` settles, then closes every socket it opened.
 */
export async function holdSeatsFrom(
  port: number,
  localAddress: string,
  method: string,
  room: string,
  optionsFor: (n: number) => object,
  over: Promise<void>,
  /** Let go once refused, not only when `over` settles (the abuse suite's short run). */
  untilRefused = false,
): Promise<{ held: number; refusedWith: number | undefined }> {
  const sockets: WebSocket[] = [];
  let stop = false;
  const ended = over.then(() => (stop = true));
  let refusedWith: number | undefined;
  try {
    while (!stop && refusedWith === undefined) {
      const seat = await reserveFrom(port, localAddress, method, room, optionsFor(sockets.length));
      if (seat.status === 429) await new Promise((resolve) => setTimeout(resolve, ATTACKER_BACKOFF_MS));
      else if (seat.sessionId) {
        // An upgrade refused (429: the address's sockets or joins waiting) stops the attacker like a refused join.
        const socket = await openSeatFrom(port, localAddress, seat).catch((error: Error) => Number(error.message.match(/\d{3}$/)?.[0] ?? 0));
        if (typeof socket === "number") refusedWith = socket;
        else sockets.push(socket);
      }
      else refusedWith = seat.code;
    }
    if (!untilRefused || refusedWith === undefined) await ended;
    return { held: sockets.length, refusedWith };
  } finally {
    for (const socket of sockets) socket.close();
  }
}

/** GET `path` from `localAddress`; resolves with the status and headers (the body is read and dropped). */
export function getFrom(
  port: number,
  localAddress: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, localAddress, path, method: "GET", headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * A long-polling session by hand (engine.io protocol 4 over plain HTTP requests), for the fallback's
 * abuse scenarios: clients engine.io-client would never be (one that never polls, one that floods).
 */
import { request } from "node:http";
import { Protocol } from "colyseus.js";
import { FALLBACK_PATH } from "../../server/shared/fallback";
import { reserveFrom } from "../helpers/addresses";

/** engine.io v4 payloads: packets joined by a record separator; binary as "b" + base64. */
const SEPARATOR = "\x1e";
const binaryPacket = (bytes: Buffer) => `b${bytes.toString("base64")}`;

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One HTTP request from `from`; never throws (a reset is status 0). */
export function httpFrom(port: number, from: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, localAddress: from, method, path, agent: false, headers: { "Content-Type": "text/plain", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.end(body);
  });
}

export interface PollingSession {
  sid: string;
  path: string;
  /** One long-poll: what the server had queued (or its refusal). */
  poll(): Promise<HttpAnswer>;
  /** Sends Colyseus frames (binary packets) in one POST. */
  post(frames: Buffer[]): Promise<HttpAnswer>;
  /** JOIN_ROOM's acknowledgement. */
  acknowledge(): Promise<HttpAnswer>;
  /** Sends engine.io packets as they are written (text). */
  postPackets(packets: string[]): Promise<HttpAnswer>;
}

/** Reserves a seat in `room` from `from` and opens its polling session; the handshake's refusal is thrown. */
export async function openPolling(httpUrl: string, from: string, room: string, options: object = {}): Promise<PollingSession> {
  const port = Number(new URL(httpUrl).port);
  const seat = await reserveFrom(port, from, "joinOrCreate", room, options);
  if (!seat.room || !seat.sessionId) throw new Error(`seat refused: ${seat.status} ${seat.error ?? ""}`);
  const base = `${FALLBACK_PATH}/${seat.room.processId}/${seat.room.roomId}/?EIO=4&transport=polling`;
  const handshake = await httpFrom(port, from, "GET", `${base}&sessionId=${seat.sessionId}`);
  if (handshake.status !== 200) throw new Error(`handshake refused: ${handshake.status} ${handshake.body.slice(0, 80)}`);
  const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
  const path = `${base}&sid=${sid}`;
  const post = (frames: Buffer[]) => httpFrom(port, from, "POST", path, frames.map(binaryPacket).join(SEPARATOR));
  return {
    sid,
    path,
    poll: () => httpFrom(port, from, "GET", path),
    post,
    acknowledge: () => post([Buffer.of(Protocol.JOIN_ROOM)]),
    postPackets: (packets) => httpFrom(port, from, "POST", path, packets.join(SEPARATOR)),
  };
}

/**
 * Polls until `until` settles, answering engine.io's heartbeat ("2" → "3") and the proof-of-reading
 * pings (server/shared/fallback.ts) as an honest client does, so the session lives.
 */
export async function keepPolling(session: PollingSession, until: Promise<unknown>): Promise<void> {
  let done = false;
  void until.then(() => (done = true));
  while (!done) {
    const answer = await session.poll();
    if (answer.status !== 200) return;
    const replies = answer.body.split(SEPARATOR).flatMap((packet) => {
      if (packet === "2") return ["3"];
      return packet.startsWith("4ping ") ? [`4pong ${packet.slice(6)}`] : [];
    });
    if (replies.length > 0) await session.postPackets(replies);
  }
}

/** True while the server still knows the session (an unknown sid is answered 400). */
export async function sessionAlive(httpUrl: string, from: string, session: PollingSession): Promise<boolean> {
  const answer = await httpFrom(Number(new URL(httpUrl).port), from, "POST", session.path, "6");
  return answer.status === 200;
}

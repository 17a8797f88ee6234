/**
 * The HTTP side of the fuzz suite: every spelling of a matchmaking URL Colyseus routes (and some it
 * does not), every route of ours, and bodies framed every way (declared, chunked, oversize, short,
 * malformed), sent over raw sockets. Used by test/security/fuzzHttp.test.ts.
 */
import { connect } from "node:net";
import { MAX_HTTP_BODY_BYTES, MAX_JOIN_OPTIONS_BYTES } from "../../server/shared/protocol";
import { Hostile } from "./generate";

/** URLs that contain "/matchmake" (so Colyseus handles them) or nearly do. */
export const MATCHMAKE_SPELLINGS = [
  "/matchmake/joinOrCreate/battle",
  "/matchmake.joinOrCreate.battle",
  "//matchmake/joinOrCreate/battle",
  "/MATCHMAKE/joinOrCreate/battle",
  "/Matchmake/joinOrCreate/battle",
  "/matchmake%2FjoinOrCreate%2Fbattle",
  "/%2Fmatchmake/joinOrCreate/battle",
  "/%6datchmake/joinOrCreate/battle",
  "/matchmake/joinOrCreate/battle?name=x&private=1",
  "/matchmake/joinOrCreate/battle;junk",
  "/matchmake/joinOrCreate/battle/extra/junk",
  "/matchmake/joinOrCreate/battle%00",
  "/matchmake/joinOrCreate/battle/../../health",
  "/x/y/matchmake/create/battle",
  "/health?/matchmake/create/battle",
  "/matchmake",
  "/matchmake/",
  "/matchmakeX",
  "/matchmake/create/chat",
  "/matchmake/joinById/__proto__",
  "/matchmake/reconnect/x",
  "/matchmake/evil/battle",
  "/matchmake/%",
  `/matchmake/joinOrCreate/${"a".repeat(1500)}`,
] as const;

/** Every other route: ops, admin panel and API, the static client, Colyseus's health check. */
export const OTHER_ROUTES = [
  "/",
  "/index.html",
  "/health",
  "/ready",
  "/metrics",
  "/METRICS",
  "/colyseus",
  "/colyseus/",
  "/colyseus/api",
  "/colyseus/api/room/call?roomId=x&method=disconnect&args=%5B%5D",
  "/__healthcheck",
  "/regions",
  "/ping",
  "/PING/",
  "/ping?%E2%80%8B=%00",
  "/main.AAAAAAAA.js",
  "/nope",
] as const;

const METHODS = ["POST", "POST", "POST", "GET", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** How a request frames its body. The oversize ones must always be refused. */
export const FRAMINGS = [
  "none",
  "json",
  "declaredOversize",
  "chunkedSmall",
  "chunkedOversize",
  "chunkedMalformed",
  "short",
  "both",
  "hugeHeader",
] as const;
type Framing = (typeof FRAMINGS)[number];

export interface HttpFuzzFigures {
  seed: number;
  requests: number;
  /** Answers by HTTP status ("none": the server hung up without one). */
  statuses: Record<string, number>;
  /** Oversize bodies that got anything but 413 (or 400 from Node's own parser): must stay 0. */
  oversizeAccepted: number;
  /** Requests with neither an answer nor a hang-up within the wait: must stay 0. */
  hangs: number;
  /** Health checks that failed between batches: must stay 0. */
  crashes: number;
  problems: string[];
}

const SMALL_BODIES = ["{}", '{"name":"fuzz"}', "[]", "null", "5", '"x"', "{bad json", '{"__proto__":{"a":1}}', "\u0000\u00ff"];
/** How long one request may go unanswered before it counts as a hang. */
const ANSWER_WAIT_MS = 3000;

function chunk(text: string | Buffer): Buffer {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n")]);
}

/** The raw bytes of one request, head and body. */
function requestBytes(method: string, path: string, framing: Framing, g: Hostile): Buffer {
  const head = (lines: string[]) => Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines.map((l) => `${l}\r\n`).join("")}\r\n`);
  const small = g.pick(SMALL_BODIES);
  const over = (path.includes("/matchmake") ? MAX_JOIN_OPTIONS_BYTES : MAX_HTTP_BODY_BYTES) + 1 + g.int(4096);
  switch (framing) {
    case "none":
      return head([]);
    case "json":
      return Buffer.concat([head(["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(small)}`]), Buffer.from(small)]);
    case "declaredOversize":
      return Buffer.concat([head([`Content-Length: ${over}`]), Buffer.alloc(over, 0x7b)]);
    case "chunkedSmall":
      return Buffer.concat([head(["Transfer-Encoding: chunked"]), chunk(small), Buffer.from("0\r\n\r\n")]);
    case "chunkedOversize": {
      const pieces = Array.from({ length: Math.ceil(over / 1024) + 1 }, () => chunk(Buffer.alloc(1024, 0x61)));
      return Buffer.concat([head(["Transfer-Encoding: chunked"]), ...pieces, Buffer.from("0\r\n\r\n")]);
    }
    case "chunkedMalformed":
      return Buffer.concat([head(["Transfer-Encoding: chunked"]), Buffer.from("zz\r\nabc\r\n-1\r\n")]);
    case "short":
      return Buffer.concat([head([`Content-Length: 100`]), Buffer.from(small)]);
    case "both":
      return Buffer.concat([head(["Content-Length: 2", "Transfer-Encoding: chunked"]), Buffer.from("{}")]);
    case "hugeHeader":
      return head([`X-Junk: ${"j".repeat(20_000)}`]);
  }
}

/** Sends one raw request and resolves with its status (0: hung up without one; -1: no answer in time). */
function send(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    const finish = (status: number) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => finish(-1), ANSWER_WAIT_MS);
    const statusOf = () => Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0);
    socket.on("data", (data) => (answer += data.toString("latin1")));
    socket.on("close", () => finish(statusOf()));
    socket.on("error", () => finish(statusOf()));
    // A refusal may come before the whole body is written: writing on into a closed socket is fine.
    socket.on("connect", () => socket.end(bytes));
  });
}

async function healthy(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
  return res?.status === 200;
}

/** `requests` random requests, `parallel` at a time, with a health check after every batch. */
export async function fuzzHttp(port: number, options: { seed: number; requests: number; parallel?: number }): Promise<HttpFuzzFigures> {
  const g = new Hostile(options.seed);
  const parallel = options.parallel ?? 8;
  const figures: HttpFuzzFigures = { seed: options.seed, requests: 0, statuses: {}, oversizeAccepted: 0, hangs: 0, crashes: 0, problems: [] };
  while (figures.requests < options.requests) {
    const batch = Array.from({ length: Math.min(parallel, options.requests - figures.requests) }, async () => {
      const path = g.chance(0.7) ? g.pick(MATCHMAKE_SPELLINGS) : g.pick(OTHER_ROUTES);
      const method = g.pick(METHODS);
      const framing = g.pick(FRAMINGS);
      const status = await send(port, requestBytes(method, path, framing, g));
      figures.statuses[status === -1 ? "hang" : status === 0 ? "none" : String(status)] ??= 0;
      figures.statuses[status === -1 ? "hang" : status === 0 ? "none" : String(status)]++;
      if (status === -1) {
        figures.hangs++;
        figures.problems.push(`no answer: ${method} ${path.slice(0, 60)} ${framing}`);
      }
      const oversize = framing === "declaredOversize" || framing === "chunkedOversize";
      if (oversize && status !== 413 && status !== 400) {
        figures.oversizeAccepted++;
        figures.problems.push(`oversize body answered ${status}: ${method} ${path.slice(0, 60)} ${framing}`);
      }
    });
    figures.requests += batch.length;
    await Promise.all(batch);
    if (!(await healthy(port))) figures.crashes++;
  }
  return figures;
}

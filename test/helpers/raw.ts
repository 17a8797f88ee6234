import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";

/** What a raw HTTP or WebSocket-upgrade request got back. */
export type RawReply = { status: number; body: string; headers: Record<string, unknown>; socket?: Socket };

/** A POST with an exact body (or none), for what colyseus.js would never send. */
export function rawPost(port: number, path: string, body: string | null, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const length: Record<string, string> =
      body !== null && !headers["Transfer-Encoding"] ? { "Content-Length": String(Buffer.byteLength(body)) } : {};
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers: { ...length, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on("error", reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

/** A WebSocket upgrade by hand: resolves with the open socket (101) or the refusal's status. */
export function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
        ...headers,
      },
    });
    req.on("upgrade", (res, socket) => resolve({ status: res.statusCode ?? 0, body: "", headers: res.headers, socket }));
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** What a streamed upload got back: the status line's code (0 if none came), bytes written before the server hung up. */
export type StreamReply = { status: number; body: string; sentBytes: number };

/**
 * Sends `totalBytes` of body to `path` over a raw socket, chunked unless `contentLength` is set,
 * `chunkBytes` at a time with backpressure, and stops as soon as the server answers (unless
 * `untilHangUp`: an attacker who reads nothing) or hangs up.
 */
/** Resolves once `socket` can take more, or is gone; leaves no listener behind. */
function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      socket.off("drain", go);
      socket.off("close", go);
      resolve();
    };
    socket.on("drain", go);
    socket.on("close", go);
  });
}

export function streamBody(
  port: number,
  path: string,
  totalBytes: number,
  options: { contentLength?: boolean; headers?: Record<string, string>; chunkBytes?: number; localAddress?: string; untilHangUp?: boolean } = {},
): Promise<StreamReply> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress: options.localAddress });
    let answer = "";
    let sentBytes = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0);
      resolve({ status, body: answer.split("\r\n\r\n").slice(1).join("\r\n\r\n"), sentBytes });
    };
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      // The whole answer is in once its body is (every refusal here is small and sent in one piece).
      if (!options.untilHangUp && answer.includes("\r\n\r\n") && /\}\s*$/.test(answer)) finish();
    });
    socket.on("close", finish);
    socket.on("error", finish);
    socket.on("connect", async () => {
      const framing = options.contentLength ? `Content-Length: ${totalBytes}` : "Transfer-Encoding: chunked";
      const extra = Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join("");
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${framing}\r\n${extra}\r\n`);
      const chunk = Buffer.alloc(chunkBytes, 0x61);
      const frame = options.contentLength ? chunk : Buffer.concat([Buffer.from(`${chunkBytes.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
      while (!done && sentBytes < totalBytes) {
        sentBytes += chunkBytes;
        if (!socket.write(frame)) await drainedOrClosed(socket);
      }
      if (!done && !options.contentLength) socket.write("0\r\n\r\n");
    });
  });
}

import { request } from "node:http";
import type { Socket } from "node:net";
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

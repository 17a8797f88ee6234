/**
 * The transport fallback's wire (docs/protocol.md "Fallback transport"): where a client that cannot
 * open a WebSocket joins over engine.io (HTTP long polling, upgrading to a WebSocket when it can),
 * and the few text packets that stand in for what a WebSocket carries in its frames. Colyseus's own
 * bytes travel as binary engine.io messages, unchanged. Browser-safe: the client imports it.
 */

/** Every engine.io request starts with this path; the rest is the WebSocket join path: `/<processId>/<roomId>/`. */
export const FALLBACK_PATH = "/eio";

/** Text packets; any other text is a malformed frame. */
export const FallbackControl = {
  /** server → client, last packet of a session: `close <code> <reason>`; client → server: `close <code>`. */
  close: "close",
  /** server → client: `ping <hex nonce>`; the client answers `pong <same nonce>` once it has read everything before. */
  ping: "ping",
  pong: "pong",
} as const;

/**
 * The engine.io path for the WebSocket join path `[/<prefix>]/<processId>/<roomId>`: FALLBACK_PATH goes
 * in before the last two segments, so a proxy that routes a process by a path prefix (`/p2567/`,
 * docs/scaling.md) routes its sessions too. engine.io wants a trailing slash.
 */
export function fallbackPath(joinPath: string): string {
  const segments = joinPath.split("/").filter(Boolean);
  const prefix = segments.slice(0, -2).map((segment) => `/${segment}`).join("");
  return `${prefix}${FALLBACK_PATH}/${segments.slice(-2).join("/")}/`;
}

/** The WebSocket join path inside an engine.io request URL, or undefined when the URL is not one. */
export function joinPathOf(url: string): string | undefined {
  const path = url.split("?", 1)[0]!;
  if (!path.startsWith(`${FALLBACK_PATH}/`)) return undefined;
  const match = /^\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)\/?$/.exec(path.slice(FALLBACK_PATH.length));
  return match ? `/${match[1]}/${match[2]}` : undefined;
}

/** True when `url` is under FALLBACK_PATH (an engine.io request, well formed or not). */
export function isFallbackUrl(url: string | undefined): boolean {
  const path = (url ?? "").split("?", 1)[0]!;
  return path === FALLBACK_PATH || path.startsWith(`${FALLBACK_PATH}/`);
}

export type ControlPacket =
  | { kind: "close"; code: number; reason: string }
  | { kind: "ping"; nonce: string }
  | { kind: "pong"; nonce: string };

/** Close codes a packet may carry: what a WebSocket close frame may carry. */
const isCloseCode = (code: number) => Number.isInteger(code) && code >= 1000 && code <= 4999;
const NONCE = /^[0-9a-f]{2,64}$/;

/** Parses a text packet; undefined when it is none of ours. */
export function parseControl(text: string): ControlPacket | undefined {
  const space = text.indexOf(" ");
  const word = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? "" : text.slice(space + 1);
  if (word === FallbackControl.close) {
    const [code, ...reason] = rest.split(" ");
    const parsed = Number(code);
    return isCloseCode(parsed) ? { kind: "close", code: parsed, reason: reason.join(" ").slice(0, 123) } : undefined;
  }
  if ((word === FallbackControl.ping || word === FallbackControl.pong) && NONCE.test(rest)) return { kind: word, nonce: rest };
  return undefined;
}

export function controlText(packet: ControlPacket): string {
  return packet.kind === "close" ? `close ${packet.code} ${packet.reason}`.trimEnd() : `${packet.kind} ${packet.nonce}`;
}

/** A WebSocket that has not opened within this is given up for the fallback (a middlebox may swallow the upgrade silently). */
export const WEBSOCKET_OPEN_TIMEOUT_MS = 3_000;

/** Why a join used the fallback; the handshake carries it (`fallback=`) and the server logs it once. */
export const FALLBACK_REASONS = ["error", "timeout", "remembered"] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];
export const isFallbackReason = (value: unknown): value is FallbackReason => (FALLBACK_REASONS as readonly unknown[]).includes(value);

/**
 * Connection plumbing shared by the battle, chat and lobby: the client, join errors in words,
 * and reconnection with backoff after a dropped socket (colyseus.js 0.16 never reconnects by itself).
 */
import type { Client } from "colyseus.js";
import {
  CLOSE_JOIN_UNACKNOWLEDGED,
  CLOSE_KICKED,
  CLOSE_RATE_LIMITED,
  CLOSE_REPLACED,
  CLOSE_SEND_BACKLOG,
  JOIN_BANNED,
  JOIN_INVALID_OPTIONS,
  JOIN_NOT_YOUR_SEAT,
  JOIN_PROTOCOL_MISMATCH,
  JoinRefusal,
  LimitRefusal,
} from "../server/shared/codes";
import { NAME_MAX_CHARS, RECONNECT_SECONDS, type RoomName } from "../server/shared/payloads";
import { formatStamp, t, tCode, type MessageKey } from "./i18n";
import { isAuthRefusal } from "./identity";
import { rejoin, type GameRoom } from "./rooms";
import { FallbackClient, type TransportChoice } from "./transport";

/** Close code of a deliberate leave (Colyseus CloseCode.CONSENTED): nothing to reconnect. */
export const CLOSE_CONSENTED = 4000;
/** First wait before a reconnection attempt; it doubles up to RECONNECT_MAX_DELAY_MS. */
export const RECONNECT_FIRST_DELAY_MS = 250;
export const RECONNECT_MAX_DELAY_MS = 4000;

/**
 * A client of the region at `url` (the page's own origin with one region); `token`: sent with every
 * join (auth mode), null plays as a guest. `transport`: the page's choice of WebSocket or fallback.
 */
export function createClient(token: string | null, transport: TransportChoice, url = location.origin): Client {
  const client: Client = new FallbackClient(url, transport);
  if (token) client.auth.token = token;
  return client;
}

/** Wait before reconnection attempt `attempt` (0-based): 250, 500, 1000, 2000, 4000, 4000... ms. */
export function backoffDelayMs(attempt: number): number {
  return Math.min(RECONNECT_FIRST_DELAY_MS * 2 ** attempt, RECONNECT_MAX_DELAY_MS);
}

/** Whether the server refused a join because this page is older or newer than the server: only a reload helps. */
export function isProtocolMismatch(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === JOIN_PROTOCOL_MISMATCH;
}

/** Whether a moderator's ban refused the join (its message says until when: {@link describeJoinError}). */
export function isBanned(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === JOIN_BANNED;
}

/** A server limit's refusal; colyseus.js reports the matchmaking rate by its HTTP status, 429. */
const LIMIT_CODES: ReadonlySet<number> = new Set([...Object.values(LimitRefusal), 429]);

/** Colyseus's code for a room id that matches no open room, from a server that predates JoinRefusal.roomFull and roomGone. */
const MATCHMAKE_INVALID_ROOM_ID = 4212;

/**
 * Join refusals worded from their code alone. A new refusal code from the server is one more row
 * here and one more key in each catalog.
 */
const JOIN_REFUSAL_WORDS: ReadonlyMap<number, MessageKey> = new Map<number, MessageKey>([
  [JOIN_PROTOCOL_MISMATCH, "join.protocolMismatch"],
  [JOIN_INVALID_OPTIONS, "join.invalidOptions"],
  ...[...LIMIT_CODES].map((code): [number, MessageKey] => [code, "join.limited"]),
  // After the spread: a full server is no fault of the player's network.
  [LimitRefusal.roomsPerProcess, "join.serverFull"],
  [JOIN_NOT_YOUR_SEAT, "join.notYourSeat"],
  [JoinRefusal.nameInvisible, "join.nameInvisible"],
  [JoinRefusal.nameTooLong, "join.nameTooLong"],
  [JoinRefusal.roomFull, "join.full"],
  [JoinRefusal.roomGone, "join.gone"],
]);

/** Whether a join failed because the server did not answer at all (no refusal of its own): another region may. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === "number" && (JOIN_REFUSAL_WORDS.has(code) || code === MATCHMAKE_INVALID_ROOM_ID || code === JOIN_BANNED || isAuthRefusal(error))) return false;
  return typeof code !== "number" || /fetch|network|ECONNREFUSED/i.test(message);
}

/** A failed join in the player's words, from its code (the server's English text is for logs). */
export function describeJoinError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const words = typeof code === "number" ? JOIN_REFUSAL_WORDS.get(code) : undefined;
  if (words) return t(words, { max: NAME_MAX_CHARS });
  if (code === JOIN_BANNED) return t("join.banned", { until: banEnd(message) });
  if (isAuthRefusal(error)) return t("join.signInRefused", { reason: tCode("auth", code as number, "refusal.other") });
  if (code === MATCHMAKE_INVALID_ROOM_ID) return t(/locked/i.test(message) ? "join.full" : "join.gone");
  if (isUnreachable(error)) return t("join.unreachable");
  return t("join.failed", { code: String(code) });
}

/** A ban's end, from the ISO 8601 UTC time that ends the server's JOIN_BANNED message, in the player's locale and time zone. */
export function banEnd(message: string): string {
  const until = Date.parse(message.match(/(\d{4}-\d\d-\d\dT[\d:.]+Z)$/)?.[1] ?? "");
  return Number.isFinite(until) ? formatStamp(until) : "?";
}

/**
 * Why the server closed a room for good, in words, or null when the close may be a dropped socket
 * worth reconnecting (the server refuses a reconnection after any of these).
 */
export function finalCloseReason(code: number): string | null {
  switch (code) {
    case CLOSE_CONSENTED:
      return t("close.consented");
    case CLOSE_RATE_LIMITED:
      return t("close.rateLimited");
    case CLOSE_KICKED:
      return t("close.kicked");
    case CLOSE_REPLACED:
      return t("close.replaced");
    case CLOSE_SEND_BACKLOG:
    case CLOSE_JOIN_UNACKNOWLEDGED:
      return t("close.tooSlow");
    default:
      return null;
  }
}

export type LinkStatus =
  | { kind: "connected" }
  | { kind: "reconnecting"; attempt: number }
  | { kind: "reconnected" }
  | { kind: "lost"; reason: string };

export interface Link<R extends RoomName, S> {
  /** Called with the first room and with every room a reconnection brings. */
  onRoom(room: GameRoom<R, S>): void;
  onStatus(status: LinkStatus): void;
}

/**
 * Follows a room across dropped sockets: when it closes without a deliberate leave, reconnects
 * with the reconnection token and backoff until RECONNECT_SECONDS have passed (the server keeps
 * the seat that long). Returns a function that leaves deliberately.
 */
export function keepConnected<R extends RoomName, S>(client: Client, first: GameRoom<R, S>, link: Link<R, S>): () => Promise<void> {
  let current = first;
  let leaving = false;

  const watch = (room: GameRoom<R, S>) => {
    current = room;
    link.onRoom(room);
    room.onLeave((code) => {
      if (leaving) return;
      // The server closed the room itself, or removed us: no seat to return to.
      const reason = finalCloseReason(code);
      if (reason !== null) return link.onStatus({ kind: "lost", reason });
      void reconnect(room);
    });
  };

  const reconnect = async (dropped: GameRoom<R, S>) => {
    const deadline = Date.now() + RECONNECT_SECONDS * 1000;
    for (let attempt = 0; !leaving && Date.now() < deadline; attempt++) {
      link.onStatus({ kind: "reconnecting", attempt: attempt + 1 });
      await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt)));
      if (leaving) return;
      try {
        const room = await rejoin(client, dropped);
        // Left while the reconnection was on its way: give the seat back instead of keeping it.
        if (leaving) return void (await room.leave(true));
        watch(room);
        link.onStatus({ kind: "reconnected" });
        return;
      } catch (error) {
        // The seat is gone for good (expired, or the room closed): no point in trying on.
        if (/not found|expired|invalid/i.test(error instanceof Error ? error.message : "")) break;
      }
    }
    if (!leaving) link.onStatus({ kind: "lost", reason: t("status.lost") });
  };

  watch(first);
  link.onStatus({ kind: "connected" });
  return async () => {
    leaving = true;
    if (current.connection?.isOpen) await current.leave(true);
  };
}

/** How often the ping indicator is refreshed. */
export const PING_INTERVAL_MS = 2000;

/** Round trip of a tiny HTTP request to the game server (its /__healthcheck), or null if it failed. */
export async function measurePing(): Promise<number | null> {
  const start = performance.now();
  try {
    const response = await fetch("/__healthcheck", { cache: "no-store" });
    return response.ok ? performance.now() - start : null;
  } catch {
    return null;
  }
}

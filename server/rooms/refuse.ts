import type { Client } from "@colyseus/core";
import { RefusalCode } from "../shared/codes";
import { SHOWN_TYPE_MAX_CHARS } from "../shared/limits";
import type { Logger } from "../telemetry/log";
import type { Metrics } from "../telemetry/metrics";
import type { Tracing } from "../telemetry/tracing";
import { isBot } from "./botClient";
import { sendCommon } from "./send";

/** What refusing needs of a room: its id for the log line, and its app's logger, metrics and tracing. */
export interface RefusingRoom {
  readonly roomId: string;
  readonly ctx: { readonly log: Logger; readonly metrics: Metrics; readonly tracing: Tracing };
}

/** Tells the sender why its message was refused; nothing else changes. */
export function refuse(room: RefusingRoom, client: Client, type: string, code: RefusalCode, message: string): void {
  room.ctx.log.debug({ roomId: room.roomId, sessionId: client.sessionId, type, code, reason: message }, "message refused");
  // A bot is not a player: its refusals stay out of the players' figures.
  if (!isBot(client)) room.ctx.metrics.countRefusal(type, code);
  room.ctx.tracing.event("refused", { "colyseus.message.type": type, "colyseus.refusal.code": code, "colyseus.refusal.message": message });
  sendCommon(client, "error", { code, message, type });
}

/**
 * A message type as it may be shown back or logged: a string or a number, cut short. A client that
 * sends the literal type "*" reaches the catch-all with its payload where the type should be, and
 * String() of a hostile object can throw, so anything else is shown as "*".
 */
export function shownType(type: unknown): string {
  return typeof type === "string" || typeof type === "number" ? String(type).slice(0, SHOWN_TYPE_MAX_CHARS) : "*";
}

import type { Client } from "@colyseus/core";
import { logger } from "../log";
import { countRefusal } from "../ops/metrics";
import { roomIdOf } from "../ops/rooms";
import { SHOWN_TYPE_MAX_CHARS } from "../shared/limits";
import { RefusalCode } from "../shared/wire";
import { sendCommon } from "./send";

/** Tells the sender why its message was refused; nothing else changes. */
export function refuse(client: Client, type: string, code: RefusalCode, message: string): void {
  logger.debug({ roomId: roomIdOf(client.sessionId), sessionId: client.sessionId, type, code, reason: message }, "message refused");
  countRefusal(type, code);
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

/** The catch-all's answer: a message type the room does not handle. */
export function refuseUnknownType(client: Client, type: unknown): void {
  const name = shownType(type);
  refuse(client, name, RefusalCode.unknownType, `unknown message type "${name}"`);
}

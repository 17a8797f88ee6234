import type { Client } from "@colyseus/core";
import { logger } from "../log";
import { countRefusal } from "../ops/metrics";
import { roomIdOf } from "../ops/rooms";
import { RefusalCode, SHOWN_TYPE_MAX_CHARS, ServerMessage, type ErrorPayload } from "../shared/protocol";

/** Tells the sender why its message was refused; nothing else changes. */
export function refuse(client: Client, type: string, code: RefusalCode, message: string): void {
  const payload: ErrorPayload = { code, message, type };
  logger.debug({ roomId: roomIdOf(client.sessionId), sessionId: client.sessionId, type, code, reason: message }, "message refused");
  countRefusal(type, code);
  client.send(ServerMessage.error, payload);
}

/**
 * `onMessage("*")` handler: a message type the room does not handle. A client that sends the
 * literal type "*" reaches this handler directly, with its payload where the type should be, so the
 * type is only shown when it is a string or a number (String() of a hostile object can throw).
 */
export function refuseUnknownType(client: Client, type: unknown): void {
  const name = typeof type === "string" || typeof type === "number" ? String(type).slice(0, SHOWN_TYPE_MAX_CHARS) : "*";
  refuse(client, name, RefusalCode.unknownType, `unknown message type "${name}"`);
}

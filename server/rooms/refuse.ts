import type { Client } from "@colyseus/core";
import { log } from "../log";
import { RefusalCode, ServerMessage, type ErrorPayload } from "../shared/protocol";

/** Tells the sender why its message was refused; nothing else changes. */
export function refuse(client: Client, type: string, code: RefusalCode, message: string): void {
  const payload: ErrorPayload = { code, message, type };
  log.refusal(`refused ${type} from ${client.sessionId}: ${code} (${message})`);
  client.send(ServerMessage.error, payload);
}

/** `onMessage("*")` handler: a message type the room does not handle. */
export function refuseUnknownType(client: Client, type: string | number): void {
  const name = String(type).slice(0, 32);
  refuse(client, name, RefusalCode.unknownType, `unknown message type "${name}"`);
}

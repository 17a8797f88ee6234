/** Typed sends of the messages every room has (`error`, `shutdown`): the payload must match the protocol record (server/shared/messages.ts). */
import type { Client, Room } from "@colyseus/core";
import type { CommonServerMessages } from "../shared/messages";

export function sendCommon<K extends keyof CommonServerMessages>(client: Client, type: K, payload: CommonServerMessages[K]): void {
  client.send(type, payload);
}

export function broadcastCommon<K extends keyof CommonServerMessages>(room: Room, type: K, payload: CommonServerMessages[K]): void {
  room.broadcast(type, payload);
}

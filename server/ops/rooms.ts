import type { Client, RegisteredHandler, Room } from "@colyseus/core";
import { logger } from "../log";
import { noteRoomCreated, noteRoomDisposed } from "../security/matchmaking";

/** sessionId -> roomId of every joined client, so lines about a client name its room. */
const roomOfSession = new Map<string, string>();

/** Every room of this process from create to dispose (Colyseus keeps its own list private). */
const live = new Set<Room>();

/** This process's rooms, e.g. to announce them again to a Redis that lost them. */
export function liveRooms(): Room[] {
  return [...live];
}

/** The room a joined client is in, for log lines that only have the client. */
export function roomIdOf(sessionId: string): string | undefined {
  return roomOfSession.get(sessionId);
}

function visibility(isPrivate: boolean) {
  return { visibility: isPrivate ? "private" : "public" };
}

/**
 * Logs a room type's lifecycle, one line per event with roomId and sessionId, and keeps the listing's
 * `visibility` metadata (a monitor column) current. Usage: `observeRooms(gameServer.define(...))`.
 */
export function observeRooms(handler: RegisteredHandler): RegisteredHandler {
  return handler
    .on("create", (room: Room) => {
      live.add(room);
      logger.info({ roomId: room.roomId, room: room.roomName }, "room created");
      noteRoomCreated(room);
      void room.setMetadata(visibility(room.listing.private ?? false));
    })
    .on("visibility-change", (room: Room, isPrivate: boolean) => void room.setMetadata(visibility(isPrivate)))
    .on("join", (room: Room, client: Client) => {
      roomOfSession.set(client.sessionId, room.roomId);
      logger.info({ roomId: room.roomId, room: room.roomName, sessionId: client.sessionId }, "client joined");
    })
    .on("leave", (room: Room, client: Client, willDispose: boolean) => {
      roomOfSession.delete(client.sessionId);
      logger.info({ roomId: room.roomId, room: room.roomName, sessionId: client.sessionId, willDispose }, "client left");
    })
    .on("dispose", (room: Room) => {
      live.delete(room);
      noteRoomDisposed(room);
      logger.info({ roomId: room.roomId, room: room.roomName }, "room disposed");
    });
}

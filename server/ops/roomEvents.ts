import type { Client, RegisteredHandler, Room } from "@colyseus/core";
import type { AppContext } from "../context";

function visibility(isPrivate: boolean) {
  return { visibility: isPrivate ? "private" : "public" };
}

/**
 * One room type's lifecycle, for the app: a log line per event with roomId and sessionId, the
 * app's live rooms, the creator counted against its room limits, and the listing's `visibility`
 * metadata (a monitor column) kept current. Usage: `observeRooms(gameServer.define(...), context)`.
 */
export function observeRooms(handler: RegisteredHandler, { log, liveRooms, matchmaking }: AppContext): RegisteredHandler {
  return handler
    .on("create", (room: Room) => {
      liveRooms.add(room);
      log.info({ roomId: room.roomId, room: room.roomName }, "room created");
      matchmaking.roomCreated(room);
      // A room that decided its own (a battle's chat admits ticket holders only) keeps it.
      if (room.listing.metadata?.visibility === undefined) void room.setMetadata(visibility(room.listing.private ?? false));
    })
    .on("visibility-change", (room: Room, isPrivate: boolean) => void room.setMetadata(visibility(isPrivate)))
    .on("join", (room: Room, client: Client) => {
      log.info({ roomId: room.roomId, room: room.roomName, sessionId: client.sessionId }, "client joined");
    })
    .on("leave", (room: Room, client: Client, willDispose: boolean) => {
      log.info({ roomId: room.roomId, room: room.roomName, sessionId: client.sessionId, willDispose }, "client left");
    })
    .on("dispose", (room: Room) => {
      liveRooms.delete(room);
      matchmaking.roomDisposed(room);
      log.info({ roomId: room.roomId, room: room.roomName }, "room disposed");
    });
}

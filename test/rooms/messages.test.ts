/** Every message of every room goes through the one guarded path: rate-limited, parsed, and nothing thrown escapes. */
import type { Client, Room } from "@colyseus/core";
import assert from "node:assert/strict";
import { asRoom, onMessage, type GameRoom } from "../../client/rooms";
import { LobbyRoom } from "../../server/rooms/LobbyRoom";
import type { Handlers } from "../../server/rooms/messages";
import { RefusalCode, type ErrorPayload } from "../../server/shared/codes";
import { ClientMessage, ClientMessagesOf, RATE_LIMITS, ServerMessage, clientMessages, type ProtocolRecord } from "../../server/shared/messages";
import { parseMove } from "../../server/shared/parse";
import { RoomName } from "../../server/shared/payloads";
import { hearAll, nextError, sdkOf, sendUnchecked } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

// A message added to the protocol record without a parser or a rate does not compile, and a room's
// table needs a handler of every message.
export const withoutParser = {
  ...clientMessages,
  battle: {
    ...clientMessages.battle,
    // @ts-expect-error parse is required
    dash: { rate: { perSecond: 1, burst: 1 } },
  },
} satisfies ProtocolRecord;
export const withoutRate = {
  ...clientMessages,
  battle: {
    ...clientMessages.battle,
    // @ts-expect-error rate is required
    dash: { parse: parseMove },
  },
} satisfies ProtocolRecord;
// @ts-expect-error attack and chatTicket are missing
export const missingMessage: Handlers<"battle", Client> = {
  move: () => undefined,
};

const THROWING_LOBBY = "throwing_lobby";
/** A lobby whose `filter` handler fails: synchronously for a battle filter, asynchronously for a chat filter. */
class ThrowingLobbyRoom extends LobbyRoom {
  readonly messages: LobbyRoom["messages"] = {
    filter: (_client, filter) => {
      if (filter.name === RoomName.battle) throw new Error("handler bug");
      return Promise.reject(new Error("async handler bug"));
    },
  };
}

describe("messages: one guarded path for every room", () => {
  const server = useServer({}, { rooms: { [THROWING_LOBBY]: ThrowingLobbyRoom } });

  const options = { battle: {}, chat: { channel: "guarded" }, lobby: {} } as const;
  /** A room of any type, as its common messages (`error`, `shutdown`) see it. */
  const join = async (roomName: RoomName) => hearAll(await sdkOf(server).joinOrCreate(roomName, options[roomName]));

  /** Errors `room` gets from now on. */
  function errors<S>(room: GameRoom<RoomName, S>): ErrorPayload[] {
    const seen: ErrorPayload[] = [];
    onMessage(room, ServerMessage.error, (error) => seen.push(error));
    return seen;
  }

  for (const roomName of Object.values(RoomName)) {
    it(`${roomName}: every message of the table is parsed and rate-limited, and the room keeps running`, async () => {
      const room = await join(roomName);
      const table = (server.getRoomById(room.roomId) as unknown as { messages: Record<string, unknown> }).messages;
      assert.deepEqual(Object.keys(table).sort(), Object.keys(ClientMessagesOf[roomName]).sort(), "the table handles every message of the protocol record");

      for (const type of Object.keys(table)) {
        const bucket = type as keyof typeof RATE_LIMITS;
        sendUnchecked(room, type, "not an object");
        const malformed = await nextError(room);
        assert.deepEqual([malformed.code, malformed.type], [RefusalCode.invalidPayload, type]);

        const seen = errors(room);
        for (let i = 0; i <= RATE_LIMITS[bucket].burst; i++) sendUnchecked(room, type, "not an object");
        await eventually(() => seen.some((e) => e.code === RefusalCode.rateLimited && e.type === type), `a rate_limited refusal of ${type}`);
        assert.ok(seen.filter((e) => e.code === RefusalCode.invalidPayload).length <= RATE_LIMITS[bucket].burst, "no more answers than the burst");
      }

      // The catch-all: unknown types are refused and limited too.
      sendUnchecked(room, "no_such_message", {});
      assert.equal((await nextError(room)).code, RefusalCode.unknownType);
      const seen = errors(room);
      for (let i = 0; i <= RATE_LIMITS.other.burst; i++) sendUnchecked(room, "no_such_message", {});
      await eventually(() => seen.some((e) => e.code === RefusalCode.rateLimited), "a rate_limited refusal of an unknown type");

      assert.equal(room.connection.isOpen, true, "the sender is still connected");
      const again = await join(roomName);
      assert.ok(server.getRoomById(again.roomId), "the room type still takes joins");
    });
  }

  it("answers a handler that throws or rejects with internal_error, logged with the room and session, and goes on", async () => {
    const lobby = hearAll(asRoom(RoomName.lobby, await server.sdk.joinOrCreate(THROWING_LOBBY, {})));
    for (const name of [RoomName.battle, RoomName.chat]) {
      sendUnchecked(lobby, ClientMessage.filter, { name });
      const refused = await nextError(lobby);
      assert.deepEqual([refused.code, refused.type], [RefusalCode.internalError, "filter"]);
    }
    const serverRoom: Room = server.getRoomById(lobby.roomId);
    const logged = server.logs.at("error", /message handler failed/);
    const failures = logged.filter((l) => l.roomId === serverRoom.roomId && l.sessionId === lobby.sessionId && l.type === "filter");
    assert.equal(failures.length, 2, "both failures logged with roomId and sessionId");
    assert.equal(lobby.connection.isOpen, true);
  });
});

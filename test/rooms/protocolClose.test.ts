/** A client closed for a protocol error keeps no reconnection seat; a client that merely dropped does. */
import assert from "node:assert/strict";
import type { GameRoom } from "../../client/rooms";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { ClientMessage, MAX_MESSAGE_BYTES, RoomName } from "../../server/shared/protocol";
import { reconnect } from "../helpers/chat";
import { hearAll, sdkOf, sendUnchecked } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

/** ROOM_DATA (13), the type "move" as a msgpack fixstr, then a msgpack string cut short: unpack throws. */
const UNDECODABLE = new Uint8Array([13, 0xa4, ...Buffer.from("move"), 0xd9, 0x20]);

describe("protocol-error closes", () => {
  const server = useServer();

  const cases: [string, number, (room: GameRoom<"battle", BattleState>) => void][] = [
    ["an undecodable message (4002)", 4002, (room) => room.connection.send(UNDECODABLE)],
    ["a frame over MAX_MESSAGE_BYTES (1009)", 1009, (room) => sendUnchecked(room, ClientMessage.move, { pad: "x".repeat(MAX_MESSAGE_BYTES + 100) })],
  ];
  for (const [what, code, attack] of cases) {
    it(`ends the seat of a client closed for ${what} at once, and keeps an honest dropped player's`, async () => {
      const attacker = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Mallory" }));
      const honest = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Honest" }));
      const room = server.getRoomById(attacker.roomId);
      const closed = new Promise<number>((resolve) => attacker.onLeave(resolve));
      attack(attacker);
      assert.equal(await closed, code);
      await eventually(() => !(room.state as BattleState).players.has(attacker.sessionId), "the attacker's player removed");
      await assert.rejects(sdkOf(server).reconnect(RoomName.battle, attacker.reconnectionToken));

      honest.connection.close();
      await eventually(() => room.clients.length === 0, "the server to notice the honest drop");
      assert.ok((room.state as BattleState).players.has(honest.sessionId), "the honest seat is kept");
      const back = hearAll(await reconnect(server.sdk, honest));
      assert.equal(back.sessionId, honest.sessionId);
    });
  }
});

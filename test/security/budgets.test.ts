/**
 * Process-wide budgets for what quiet, well-formed clients can hold: seats reserved and not claimed
 * per address, sockets waiting to acknowledge JOIN_ROOM per address, and no lobby list queued for a
 * client that has not acknowledged its join.
 */
import assert from "node:assert/strict";
import { LimitRefusal, RoomName, SEAT_RESERVATION_S } from "../../server/shared/protocol";
import { openSeatFrom, reserveFrom } from "../helpers/addresses";
import { openRawRoom, type RawRoom } from "../helpers/rawRoom";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

describe("budgets: seats and joins waiting", function () {
  this.timeout(20_000);
  const server = useServer({ SEAT_RESERVATIONS_PER_ADDRESS: "3", UNACKED_SOCKETS_PER_ADDRESS: "2" });
  const raws: RawRoom[] = [];
  afterEach(() => raws.splice(0).forEach((room) => room.close()));

  it("refuses a 4th unclaimed seat of one address with seatReservations; a claimed seat frees its place; another address reserves", async () => {
    const seats = [];
    for (let i = 0; i < 3; i++) seats.push(await reserveFrom(server.port, "127.0.0.7", "joinOrCreate", RoomName.battle));
    const fourth = await reserveFrom(server.port, "127.0.0.7", "joinOrCreate", RoomName.battle);
    assert.equal(fourth.code, LimitRefusal.seatReservations);
    assert.ok((await reserveFrom(server.port, "127.0.0.8", "joinOrCreate", RoomName.battle)).sessionId, "another address");
    const socket = await openSeatFrom(server.port, "127.0.0.7", seats[0]!);
    assert.ok((await reserveFrom(server.port, "127.0.0.7", "joinOrCreate", RoomName.battle)).sessionId, "a claimed seat no longer counts");
    socket.close();
    // The unclaimed ones expire with their seats.
    await eventually(async () => (await reserveFrom(server.port, "127.0.0.7", "joinOrCreate", RoomName.battle)).sessionId !== undefined, "the seats to expire", SEAT_RESERVATION_S * 1000 + 3000, 500);
  });

  it("refuses the upgrade of a 3rd socket of one address still waiting to acknowledge JOIN_ROOM with 429; once one acknowledges, another comes in", async () => {
    const unacked = { acknowledge: false };
    for (let i = 0; i < 2; i++) {
      const room = await openRawRoom(server.httpUrl, "joinOrCreate", RoomName.chat, { channel: "quiet" }, unacked);
      raws.push(room);
      await room.joined;
    }
    await assert.rejects(openRawRoom(server.httpUrl, "joinOrCreate", RoomName.chat, { channel: "quiet" }, unacked).then((room) => (raws.push(room), room.joined)));
    raws[0]!.send(Buffer.of(10)); // the acknowledgement
    await eventually(async () => {
      const room = await openRawRoom(server.httpUrl, "joinOrCreate", RoomName.chat, { channel: "quiet" }, unacked);
      raws.push(room);
      return room.joined.then(() => true, () => false);
    }, "a place for one more");
  });

  it("sends the lobby's room list only once the join is acknowledged", async () => {
    const lobby = await openRawRoom(server.httpUrl, "joinOrCreate", RoomName.lobby, {}, { acknowledge: false });
    raws.push(lobby);
    await lobby.joined;
    const lobbyRoom = server.getRoomById(lobby.seat.room.roomId);
    const client = lobbyRoom.clients.getById(lobby.seat.sessionId) as unknown as { _enqueuedMessages?: unknown[] };
    assert.deepEqual(client._enqueuedMessages, [], "nothing queued for a client that has not acknowledged");
    const before = lobby.received;
    lobby.send(Buffer.of(10));
    await eventually(() => lobby.received > before, "the list after the acknowledgement");
  });
});

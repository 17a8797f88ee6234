/** Draining one process (POST /admin/drain): /ready, locked rooms, chat members asked to move, the end. */
import assert from "node:assert/strict";
import { ServerMessage } from "../../server/shared/messages";
import { RoomName } from "../../server/shared/payloads";
import { adminAuthorization, basicAuth } from "../helpers/admin";
import { closedWith, hearAll, nextMessage, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

describe("drain: POST /admin/drain", function () {
  this.timeout(20_000);
  const server = useServer({ DRAIN_TIMEOUT_S: "30", LOG_LEVEL: "info" });

  const drain = (authorization?: string) =>
    fetch(`${server.httpUrl}/admin/drain`, { method: "POST", headers: authorization ? { authorization } : {} });

  it("refuses without the admin credentials and changes nothing", async () => {
    assert.equal((await drain()).status, 401);
    assert.equal((await drain(basicAuth("admin", "not-the-password"))).status, 401);
    assert.equal((await fetch(`${server.httpUrl}/ready`)).status, 200);
    assert.equal(server.context.drain.draining, false);
  });

  it("locks the rooms, answers 503 on /ready, asks chat members to move, and ends once the rooms are gone", async () => {
    const sdk = sdkOf(server);
    const member = hearAll(await sdk.joinOrCreate(RoomName.chat, { channel: "deploy", name: "Ann" }));
    const player = hearAll(await sdk.joinOrCreate(RoomName.battle, { name: "Bo" }));
    const asked = nextMessage(member, ServerMessage.move);

    const response = await drain(adminAuthorization(server.settings));
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { status: "draining", began: true, timeoutS: 30 });
    assert.match((await asked).reason, /draining/);
    const ready = await fetch(`${server.httpUrl}/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: "draining" });
    assert.equal(server.getRoomById(member.roomId).locked, true, "the chat room takes no new member");
    assert.equal(server.getRoomById(player.roomId).locked, true, "the battle takes no new player");

    const again = await drain(adminAuthorization(server.settings));
    assert.equal((await again.json()).began, false, "a second request changes nothing");

    // The chat member moves: with one process the channel opens again here, in a room the drain leaves alone.
    await member.leave(true);
    const moved = hearAll(await sdk.joinOrCreate(RoomName.chat, { channel: "deploy", name: "Ann", since: 0 }));
    assert.notEqual(moved.roomId, member.roomId);
    assert.equal(server.getRoomById(moved.roomId).locked, false, "nowhere else to go: not locked, not moved again");
    await moved.leave(true);
    assert.equal(server.logs.at("info", /^drained/).length, 0, "a battle still runs");
    const left = closedWith(player);
    await player.leave(true);
    await left;
    await eventually(() => server.logs.at("info", /^drained: no battle or chat room left/).length === 1, "the drain's end");
  });
});

describe("drain: DRAIN_TIMEOUT_S", function () {
  this.timeout(20_000);
  const server = useServer({ DRAIN_TIMEOUT_S: "1", LOG_LEVEL: "info" });

  it("ends the drain with a battle still running once DRAIN_TIMEOUT_S has passed", async () => {
    const player = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Stays" }));
    const response = await fetch(`${server.httpUrl}/admin/drain`, { method: "POST", headers: { authorization: adminAuthorization(server.settings) } });
    assert.equal(response.status, 202);
    await eventually(() => server.logs.at("info", /^drain timed out/).length === 1, "the drain's timeout", 5000);
    assert.ok(player.connection.isOpen, "the battle itself is closed by the shutdown that follows, with its notice");
  });
});

/** Join options, parsed by every room's static onAuth at matchmaking, before any seat or room exists. */
import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import { describeJoinError } from "../../client/net";
import { JOIN_INVALID_OPTIONS, JOIN_PROTOCOL_MISMATCH } from "../../server/shared/codes";
import { PROTOCOL_VERSION, RoomName } from "../../server/shared/payloads";
import { hearAll, joinUnchecked, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";

/** The smallest valid options of each room. */
const VALID = { battle: {}, chat: { channel: "joins" }, lobby: {} } as const;

describe("join options: refused at matchmaking for every room", () => {
  const server = useServer();

  async function refused(roomName: RoomName, options: unknown): Promise<{ code: number; message: string }> {
    const error = await joinUnchecked(server, roomName, options).then(
      () => assert.fail(`joined ${roomName} with ${JSON.stringify(options)}`),
      (e: { code: number; message: string }) => e,
    );
    assert.deepEqual(await matchMaker.query({ name: roomName }), [], "no room was created for a refused join");
    return error;
  }

  for (const roomName of Object.values(RoomName)) {
    it(`${roomName}: options that are not an object, or carry an unknown key, get ${JOIN_INVALID_OPTIONS} naming the problem`, async () => {
      for (const options of ["x", 5, true, [1, 2]]) {
        const error = await refused(roomName, options);
        assert.equal(error.code, JOIN_INVALID_OPTIONS, JSON.stringify(options));
        assert.match(error.message, /join options must be an object/);
      }
      const error = await refused(roomName, { ...VALID[roomName], role: "admin" });
      assert.equal(error.code, JOIN_INVALID_OPTIONS);
      assert.match(error.message, /unknown field\(s\): role/);
    });

    it(`${roomName}: another protocol version gets ${JOIN_PROTOCOL_MISMATCH} telling the player to reload; the typed join names this one`, async () => {
      for (const protocol of [PROTOCOL_VERSION + 1, 0, "1"]) {
        const error = await refused(roomName, { ...VALID[roomName], protocol });
        assert.equal(error.code, JOIN_PROTOCOL_MISMATCH, JSON.stringify(protocol));
        assert.match(error.message, /reload/);
        assert.equal(describeJoinError(error), "This page is out of date: reload it to play.", "the client shows it as such");
      }
      const joined = hearAll(await sdkOf(server).joinOrCreate(roomName, VALID[roomName]));
      assert.ok(joined.sessionId);
      await joined.leave();
    });
  }
});

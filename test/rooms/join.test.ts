/** Join options, parsed by every room's static onAuth at matchmaking, before any seat or room exists. */
import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import { describeJoinError } from "../../client/net";
import { JOIN_INVALID_OPTIONS, JOIN_PROTOCOL_MISMATCH, JoinRefusal } from "../../server/shared/codes";
import { PROTOCOL_VERSION, RoomName } from "../../server/shared/payloads";
import { useLanguage } from "../../client/i18n";
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

  describe("a refusal the player can act on has a code of its own, shown in the player's words", () => {
    afterEach(() => useLanguage("en", []));

    const cases = [
      { options: { name: "\u200b\u2060 \u00ad" }, code: JoinRefusal.nameInvisible, message: /at least one visible character/, es: /ningún carácter visible/, ja: /見える文字がありません/ },
      { options: { name: "x".repeat(17) }, code: JoinRefusal.nameTooLong, message: /at most 16 characters/, es: /como máximo 16 caracteres/, ja: /16文字以内/ },
    ];
    for (const roomName of [RoomName.battle, RoomName.chat]) {
      it(`${roomName}: a name without a visible character, and one too long`, async () => {
        for (const { options, code, message, es, ja } of cases) {
          const error = await refused(roomName, { ...VALID[roomName], ...options });
          assert.equal(error.code, code, JSON.stringify(options));
          assert.match(error.message, message);
          useLanguage("es", []);
          assert.match(describeJoinError(error), es);
          useLanguage("ja", []);
          assert.match(describeJoinError(error), ja);
          useLanguage("en", []);
        }
      });
    }

    it("battle by id: a full room and a room that is gone", async () => {
      const first = hearAll(await sdkOf(server).create(RoomName.battle, { maxPlayers: 2 }));
      const second = hearAll(await sdkOf(server).joinById(RoomName.battle, first.roomId, {}));
      const full = await sdkOf(server).joinById(RoomName.battle, first.roomId, {}).then(
        () => assert.fail("joined a full room"),
        (e: { code: number; message: string }) => e,
      );
      assert.equal(full.code, JoinRefusal.roomFull);
      assert.equal(describeJoinError(full), "That room is full.");
      await Promise.all([first.leave(), second.leave()]);
      const gone = await sdkOf(server).joinById(RoomName.battle, "noSuchRoom", {}).then(
        () => assert.fail("joined a room that does not exist"),
        (e: { code: number; message: string }) => e,
      );
      assert.equal(gone.code, JoinRefusal.roomGone);
      useLanguage("es", []);
      assert.equal(describeJoinError(gone), "Esa sala ya no existe: se cerró o el enlace está mal.");
    });
  });
});

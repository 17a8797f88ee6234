/** Names that show nothing or look like another player's, refused or told apart in real rooms. */
import assert from "node:assert/strict";
import { silentLog } from "../helpers/server";
import { createSecretKey } from "node:crypto";
import { identify } from "../../server/auth/identity";
import type { AuthSettings } from "../../server/config";
import { nameKey } from "../../server/shared/names";
import { AuthRefusal, JoinRefusal, RoomName } from "../../server/shared/protocol";
import { mintToken } from "../../scripts/token";
import { hearAll, sdkOf, until } from "../helpers/rooms";
import { useServer } from "../helpers/server";

const KEY = createSecretKey(Buffer.from("a-test-secret-that-is-long-enough-for-hs256"));

/** Each a name the server once took and showed as blank. */
export const INVISIBLE_NAMES = ["\u200D", "\u200C\u200D", "\u206A", "\uFE0F", "\u{1D173}", "\u{1BCA0}", "\u{13430}", "\u200D\u0301\u200D\u0301"];

describe("names in rooms", () => {
  const server = useServer();

  it("refuses names of invisible code points only at matchmaking, and an honest name still joins", async () => {
    for (const name of INVISIBLE_NAMES) {
      await assert.rejects(sdkOf(server).joinOrCreate(RoomName.battle, { name }), { code: JoinRefusal.nameInvisible }, JSON.stringify(name));
      await assert.rejects(sdkOf(server).joinOrCreate(RoomName.chat, { channel: "blank", name }), { code: JoinRefusal.nameInvisible });
    }
    const honest = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Honest" }));
    const state = await until(honest, (s) => s.players?.has(honest.sessionId), "own player");
    assert.equal(state.players.get(honest.sessionId)!.name, "Honest");
  });

  it("refuses the same names as a token's name claim", async () => {
    const auth: AuthSettings = { mode: "jwt", key: KEY, algorithm: "HS256" };
    for (const name of INVISIBLE_NAMES) {
      const token = await mintToken(KEY, "HS256", { sub: "mallory", name });
      await assert.rejects(identify(token, auth, silentLog), { code: AuthRefusal.badClaims }, JSON.stringify(name));
    }
    const identity = await identify(await mintToken(KEY, "HS256", { sub: "alice", name: "Alice" }), auth, silentLog);
    assert.equal(identity.verifiedName, "Alice");
  });

  it("gives a look-alike of a name in use a distinct name, in a battle and in a chat channel", async () => {
    const alice = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Alice" }));
    const lookAlikes = ["Alice\u200D", "ＡＬＩＣＥ", "A\u00ADlice"];
    const rooms = [];
    for (const name of lookAlikes) rooms.push(hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name })));
    const bob = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Bob" }));
    const state = await until(alice, (s) => s.players.size === 5, "five players");
    const names = [...state.players.values()].map((p) => p.name);
    assert.equal(state.players.get(alice.sessionId)!.name, "Alice", "the first Alice keeps her name");
    assert.equal(state.players.get(bob.sessionId)!.name, "Bob");
    assert.equal(new Set(names.map(nameKey)).size, names.length, `names look alike: ${JSON.stringify(names)}`);

    const first = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "alike", name: "Alice" }));
    const second = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "alike", name: "alice\u200D" }));
    const chat = await until(first, (s) => s.members.size === 2, "two members");
    assert.equal(chat.members.get(first.sessionId)!.name, "Alice");
    assert.notEqual(nameKey(chat.members.get(second.sessionId)!.name), nameKey("Alice"));

    // A name is free again once its holder has left: the next Alice is plain "Alice".
    const secondName = chat.members.get(second.sessionId)!.name;
    await first.leave();
    await until(second, (s) => s.members.size === 1, "Alice gone");
    const third = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "alike", name: "ALICE" }));
    const after = await until(third, (s) => s.members?.size === 2, "two members again");
    assert.equal(after.members.get(third.sessionId)!.name, "ALICE");
    assert.equal(after.members.get(second.sessionId)!.name, secondName, "the one who stayed keeps the name given");
    await alice.leave();
    await until(bob, (s) => s.players.size === 4, "Alice gone from the battle");
    const nextAlice = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "alice" }));
    const battle = await until(nextAlice, (s) => s.players?.size === 5, "five players again");
    assert.equal(battle.players.get(nextAlice.sessionId)!.name, "alice");
  });
});

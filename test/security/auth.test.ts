/**
 * Player identity: guest ids by default; with a key configured, tokens verified at matchmaking,
 * one seat per player id (the newest join takes it over), chat lines and mutes by player id.
 */
import { matchMaker, type Room as ServerRoom } from "@colyseus/core";
import assert from "node:assert/strict";
import { silentLog } from "../helpers/server";
import { spawnSync } from "node:child_process";
import { createSecretKey, generateKeyPairSync } from "node:crypto";
import { Client } from "colyseus.js";
import { GUEST_ID_PREFIX, identify } from "../../server/auth/identity";
import type { AuthSettings } from "../../server/config";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import {
  AUTH_CLOCK_TOLERANCE_S,
  AuthRefusal,
  ClientMessage,
  CLOSE_KICKED,
  CLOSE_REPLACED,
  RefusalCode,
  RoomName,
  ServerMessage,
} from "../../server/shared/protocol";
import { mintToken, type TokenClaims } from "../../scripts/token";
import { nextLine, say } from "../helpers/chat";
import { closedWith, collect, hearAll, nextError, nextMessage, until, sdkOf } from "../helpers/rooms";
import { useServer, type TestServer } from "../helpers/server";
import { rejoin, send, type GameRoom } from "../../client/rooms";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const AUDIENCE = "battle-tests";
const ISSUER = "https://id.test";
const KEY = createSecretKey(Buffer.from(SECRET));
const jwtAuth: AuthSettings = { mode: "jwt", key: KEY, algorithm: "HS256", audience: AUDIENCE, issuer: ISSUER };
const JWT_ENV = { AUTH_JWT_SECRET: SECRET, AUTH_JWT_AUDIENCE: AUDIENCE, AUTH_JWT_ISSUER: ISSUER };

/** A token as our backend would issue it (audience and issuer right), with `claims` on top. */
const tokenFor = (claims: TokenClaims) => mintToken(KEY, "HS256", { audience: AUDIENCE, issuer: ISSUER, ...claims });

/** Players of `server`: each a separate colyseus.js client (its own `auth.token`), like a separate browser. */
const playersOf = (server: TestServer) => (token?: string): Client => {
  const client = new Client(server.httpUrl);
  if (token !== undefined) client.auth.token = token;
  return client;
};

/** Joins a chat channel and waits for its history, so the member is in. */
async function joinChat(client: Client, channel = "general"): Promise<GameRoom<"chat", ChatState>> {
  const room = hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, { channel }));
  await nextMessage(room, ServerMessage.history);
  return room;
}

describe("player identity", () => {
  const server = useServer(JWT_ENV);
  const player = playersOf(server);

  describe("auth mode refusals", () => {
    const cases: Array<[string, () => Promise<string | undefined>, number]> = [
      ["no token", async () => undefined, AuthRefusal.missing],
      ["not a JWT", async () => "not-a-token", AuthRefusal.malformed],
      ["a bad signature", async () => mintToken(createSecretKey(Buffer.from("another-secret-another-secret-another")), "HS256", { sub: "mallory", audience: AUDIENCE, issuer: ISSUER }), AuthRefusal.badSignature],
      ["an expired token", () => tokenFor({ sub: "alice", expiresInS: -(AUTH_CLOCK_TOLERANCE_S + 60) }), AuthRefusal.expired],
      ["a token not valid yet", () => tokenFor({ sub: "alice", notBeforeInS: AUTH_CLOCK_TOLERANCE_S + 60 }), AuthRefusal.notYetValid],
      ["a wrong audience", () => tokenFor({ sub: "alice", audience: "another-game" }), AuthRefusal.wrongAudience],
      ["a wrong issuer", () => tokenFor({ sub: "alice", issuer: "https://evil.test" }), AuthRefusal.wrongIssuer],
      ["a name claim that is not a valid name", () => tokenFor({ sub: "alice", name: "\u200b\u202e" }), AuthRefusal.badClaims],
    ];

    it("refuses each bad token at matchmaking with its own code and message, and reserves no seat", async () => {
      const host = hearAll(await sdkOf(player(await tokenFor({ sub: "host" }))).create(RoomName.battle, {}));
      const battle = server.getRoomById(host.roomId) as ServerRoom & { reservedSeats: Record<string, unknown> };
      const messages = new Set<string>();
      for (const [what, token, code] of cases) {
        const client = player(await token());
        for (const join of [
          () => sdkOf(client).joinById(RoomName.battle, host.roomId, {}),
          () => sdkOf(client).joinOrCreate(RoomName.battle, {}),
          () => sdkOf(client).joinOrCreate(RoomName.chat, { channel: "general" }),
        ]) {
          const error = await join().then(() => assert.fail(`${what} was let in`), (e: { code: number; message: string }) => e);
          assert.equal(error.code, code, `${what}: ${error.message}`);
          assert.ok(error.message.length > 10, what);
          messages.add(error.message);
        }
      }
      assert.equal(messages.size, cases.length, "one message per kind of refusal");
      // Nothing was reserved and nothing created: one battle with its one player, no chat room.
      assert.equal(battle.clients.length, 1);
      assert.deepEqual(Object.keys(battle.reservedSeats), []);
      assert.deepEqual((await matchMaker.query({})).map((r) => [r.name, r.clients]), [[RoomName.battle, 1]]);
    });

    it("keeps the lobby behind the same door", async () => {
      await assert.rejects(sdkOf(player()).joinOrCreate(RoomName.lobby, {}), { code: AuthRefusal.missing });
      const lobby = hearAll(await sdkOf(player(await tokenFor({ sub: "alice" }))).joinOrCreate(RoomName.lobby, {}));
      assert.ok(lobby.sessionId);
    });

    it("verifies ES256 tokens with a public key, and refuses one signed with HS256 using that key as the secret, or unsigned", async () => {
      const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const es256: AuthSettings = { mode: "jwt", key: publicKey, algorithm: "ES256" };
      const good = await mintToken(privateKey, "ES256", { sub: "alice", name: "Alice" });
      assert.deepEqual(await identify(good, es256, silentLog), { playerId: "alice", verifiedName: "Alice", guest: false });
      const pem = publicKey.export({ type: "spki", format: "pem" });
      const forged = await mintToken(createSecretKey(Buffer.from(pem)), "HS256", { sub: "alice" });
      await assert.rejects(identify(forged, es256, silentLog), { code: AuthRefusal.badSignature });
      // An unsigned token ("alg": "none") with the same claims.
      const [, payload] = good.split(".");
      const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
      await assert.rejects(identify(unsigned, es256, silentLog), { code: AuthRefusal.badSignature });
    });
  });

  describe("a good token", () => {
    it("joins; its name claim is the player's name (UTF-8 intact) and its sub the chat line's playerId", async () => {
      // 16 visible characters: emoji ZWJ sequences, CJK and Arabic (RTL) each count once.
      const name = "👩‍💻李明سلام🇫🇷abcdefgh";
      const client = player(await tokenFor({ sub: "alice-42", name }));
      const battle = hearAll(await sdkOf(client).joinOrCreate(RoomName.battle, { name: "Ignored" }));
      const state = await until(battle, (s) => s.players?.has(battle.sessionId), "own player");
      assert.equal(state.players.get(battle.sessionId)!.name, name);

      const chat = await joinChat(client);
      assert.equal(chat.state.members.get(chat.sessionId)!.playerId, "alice-42");
      const line = await say(chat, "héllo 世界 👋 مرحبا");
      assert.deepEqual([line.playerId, line.name, line.text], ["alice-42", name, "héllo 世界 👋 مرحبا"]);
      assert.ok(Number.isInteger(line.time) && Math.abs(line.time - Date.now()) < 60_000, "UTC milliseconds");
    });

    it("refuses a name claim of 17 visible characters even when it is short in bytes", async () => {
      await assert.rejects(sdkOf(player(await tokenFor({ sub: "bob", name: "b".repeat(17) }))).joinOrCreate(RoomName.battle, {}), {
        code: AuthRefusal.badClaims,
      });
    });

    it("keeps the player id across a reconnection", async () => {
      const client = player(await tokenFor({ sub: "carol", name: "Carol" }));
      const chat = await joinChat(client);
      const dropped = new Promise<void>((resolve) => chat.onLeave(() => resolve()));
      chat.connection.close(); // not a consented leave: the seat waits
      await dropped;
      const back = hearAll(await rejoin(client, chat));
      assert.equal(back.sessionId, chat.sessionId);
      // A reconnected member says where it stopped first; live lines follow the history it gets back.
      const caughtUp = nextMessage(back, ServerMessage.history);
      send(back, ClientMessage.resume, { since: 0 });
      await caughtUp;
      assert.equal((await say(back, "still me")).playerId, "carol");
    });

    it("checks the token again on reconnection: one expired meanwhile is refused with its own code", async () => {
      const client = player(await tokenFor({ sub: "dave", name: "Dave" }));
      const chat = await joinChat(client);
      const dropped = new Promise<void>((resolve) => chat.onLeave(() => resolve()));
      chat.connection.close();
      await dropped;
      client.auth.token = await tokenFor({ sub: "dave", expiresInS: -2 * AUTH_CLOCK_TOLERANCE_S });
      await assert.rejects(sdkOf(client).reconnect(RoomName.chat, chat.reconnectionToken), { code: AuthRefusal.expired });
      client.auth.token = undefined as unknown as string;
      await assert.rejects(sdkOf(client).reconnect(RoomName.chat, chat.reconnectionToken), { code: AuthRefusal.missing });
      // With a fresh token the seat is still there.
      client.auth.token = await tokenFor({ sub: "dave", name: "Dave" });
      const back = hearAll(await sdkOf(client).reconnect(RoomName.chat, chat.reconnectionToken));
      assert.equal(back.sessionId, chat.sessionId);
    });
  });

  describe("one seat per player id: the newest join takes it over", () => {
    it("battle: the new connection continues the character and the old one is closed with CLOSE_REPLACED", async () => {
      const token = await tokenFor({ sub: "dave", name: "Dave" });
      const first = hearAll(await sdkOf(player(token)).joinOrCreate(RoomName.battle, {}));
      await until(first, (s) => s.players?.has(first.sessionId), "own player");
      const serverRoom = server.getRoomById<BattleState>(first.roomId);
      Object.assign(serverRoom.state.players.get(first.sessionId)!, { x: 123, y: 456, hp: 40, kills: 2, deaths: 1 });
      const firstClosed = closedWith(first);

      const second = hearAll(await sdkOf(player(token)).joinById(RoomName.battle, first.roomId, {}));
      assert.equal(await firstClosed, CLOSE_REPLACED);
      const state = await until(second, (s) => s.players?.has(second.sessionId) && !s.players.has(first.sessionId), "seat taken over");
      const me = state.players.get(second.sessionId)!;
      assert.deepEqual([me.name, me.x, me.y, me.hp, me.kills, me.deaths, me.lastInput], ["Dave", 123, 456, 40, 2, 1, 0]);
      // The new connection's moves are numbered from 1 again, and applied.
      send(second, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
      await until(second, (s) => s.players.get(second.sessionId)!.lastInput === 1, "move acknowledged");
      // The replaced seat cannot come back.
      await assert.rejects(rejoin(player(token), first));
    });

    it("battle: a seat waiting for a reconnection is ended at once", async () => {
      const token = await tokenFor({ sub: "erin" });
      const first = hearAll(await sdkOf(player(token)).joinOrCreate(RoomName.battle, {}));
      await until(first, (s) => s.players?.has(first.sessionId), "own player");
      const dropped = new Promise<void>((resolve) => first.onLeave(() => resolve()));
      first.connection.close();
      await dropped;
      const second = hearAll(await sdkOf(player(token)).joinById(RoomName.battle, first.roomId, {}));
      const state = await until(second, (s) => s.players?.size === 1 && s.players.has(second.sessionId), "one Erin");
      assert.equal(state.players.size, 1);
      await assert.rejects(rejoin(player(token), first));
    });

    it("chat: the seat moves quietly (no join or leave line) and the old connection is closed", async () => {
      const bob = await joinChat(player(await tokenFor({ sub: "bob", name: "Bob" })));
      const token = await tokenFor({ sub: "frank", name: "Frank" });
      const joined = nextLine(bob, (l) => l.text === "Frank joined", "Frank's join line");
      const first = await joinChat(player(token));
      await joined;
      const heard = collect(bob, ServerMessage.chat);
      const firstClosed = closedWith(first);
      const second = await joinChat(player(token));
      assert.equal(await firstClosed, CLOSE_REPLACED);
      const bobHeard = nextLine(bob, (l) => l.text === "moved tabs", "the line after the move at Bob's");
      const line = await say(second, "moved tabs");
      await bobHeard;
      await until(bob, (s) => s.members?.size === 2 && s.members.has(second.sessionId), "members");
      assert.equal(line.playerId, "frank");
      assert.deepEqual(heard.map((l) => l.text), ["moved tabs"], "no system lines for a takeover");
    });
  });

  describe("moderation by player id", () => {
    it("a muted player id stays muted after leaving and joining again; unmute by player id lifts it", async () => {
      const bob = await joinChat(player(await tokenFor({ sub: "bob", name: "Bob" })), "mod");
      const token = await tokenFor({ sub: "gina", name: "Gina" });
      const first = await joinChat(player(token), "mod");
      assert.deepEqual(await matchMaker.remoteRoomCall(first.roomId, "mute", [first.sessionId, 60]), { ok: true });
      await first.leave(true);

      const again = await joinChat(player(token), "mod");
      assert.notEqual(again.sessionId, first.sessionId);
      const refused = nextError(again);
      send(again, ClientMessage.chat, { text: "am I free?" });
      assert.equal((await refused).code, RefusalCode.muted);

      assert.deepEqual(await matchMaker.remoteRoomCall(bob.roomId, "unmute", ["gina"]), { ok: true });
      assert.equal((await say(again, "free")).playerId, "gina");
    });

    it("kick takes a player id too", async () => {
      const bob = await joinChat(player(await tokenFor({ sub: "bob", name: "Bob" })), "kick");
      const hank = await joinChat(player(await tokenFor({ sub: "hank", name: "Hank" })), "kick");
      const closed = closedWith(hank);
      assert.deepEqual(await matchMaker.remoteRoomCall(bob.roomId, "kick", ["hank"]), { ok: true });
      assert.equal(await closed, CLOSE_KICKED);
    });
  });
});

describe("player identity in guest mode (no key configured)", () => {
  const server = useServer();
  const player = playersOf(server);

  it("lets anyone in with a chosen name, gives each join its own guest id and ignores any token", async () => {
    const ann = await joinChat(player(), "guests");
    const ben = await joinChat(player("whatever-token"), "guests");
    const a = await say(ann, "hi");
    const b = await say(ben, "hello");
    assert.ok(a.playerId.startsWith(GUEST_ID_PREFIX) && b.playerId.startsWith(GUEST_ID_PREFIX), `${a.playerId} ${b.playerId}`);
    assert.notEqual(a.playerId, b.playerId);
    const named = hearAll(await sdkOf(player()).joinOrCreate(RoomName.battle, { name: "Zoë" }));
    const state = await until(named, (s) => s.players?.has(named.sessionId), "own player");
    assert.equal(state.players.get(named.sessionId)!.name, "Zoë");
  });
});

describe("npm run token (dev helper)", () => {
  /** Runs scripts/token.ts as `npm run token` does, in a clean environment plus `env`. */
  function runTokenScript(args: string[], env: Record<string, string>) {
    return spawnSync(process.execPath, ["--import", "tsx", "scripts/token.ts", ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
      timeout: 20_000,
    });
  }

  it("mints a token the server accepts, with the configured audience and issuer", async () => {
    const run = runTokenScript(["--sub", "alice", "--name", "Ålice 🦊"], { AUTH_JWT_SECRET: SECRET, AUTH_JWT_AUDIENCE: AUDIENCE, AUTH_JWT_ISSUER: ISSUER });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /\?token=/);
    assert.deepEqual(await identify(run.stdout.trim(), jwtAuth, silentLog), { playerId: "alice", verifiedName: "Ålice 🦊", guest: false });
  });

  it("says what is missing instead of minting", () => {
    const noSecret = runTokenScript(["--sub", "alice"], {});
    assert.equal(noSecret.status, 1);
    assert.match(noSecret.stderr, /AUTH_JWT_SECRET/);
    const noSub = runTokenScript([], { AUTH_JWT_SECRET: SECRET });
    assert.equal(noSub.status, 1);
    assert.match(noSub.stderr, /--sub/);
  });
});

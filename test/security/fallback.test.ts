import assert from "node:assert/strict";
import { get } from "node:http";
import { WebSocket } from "ws";
import { TransportChoice, FallbackClient } from "../../client/transport";
import { send } from "../../client/rooms";
import type { GuardedTransport } from "../../server/security/transport";
import { FALLBACK_PATH } from "../../server/shared/fallback";
import { CLOSE_BAD_FRAME, ClientMessage, FALLBACK_MAX_BODY_BYTES, MAX_MESSAGE_BYTES, RoomName } from "../../server/shared/protocol";
import { say } from "../helpers/chat";
import { rawPost } from "../helpers/raw";
import { closedWith, hearAll, sdkOf, until } from "../helpers/rooms";
import { useServer, type TestServer } from "../helpers/server";
import { noUpgradeProxy, silentWebSocket, type NoUpgradeProxy } from "../helpers/noUpgradeProxy";
import { eventually } from "../helpers/wait";

const memory = () => {
  const kept = new Map<string, string>();
  return { getItem: (key: string) => kept.get(key) ?? null, setItem: (key: string, value: string) => void kept.set(key, value) };
};

const fallbackOf = (server: TestServer) => (server.current.server.transport as GuardedTransport & { fallback?: { openSockets: number } }).fallback;

type Ws = ConstructorParameters<typeof TransportChoice>[1];

/** The transport label of every sample of `name` in /metrics, with its value. */
async function metricSamples(server: TestServer, name: string): Promise<string[]> {
  const text = await (await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: adminAuth(server) } })).text();
  return text.split("\n").filter((line) => line.startsWith(`${name}{`));
}
const adminAuth = (server: TestServer) => `Basic ${Buffer.from(`${server.settings.adminUser}:${server.settings.adminPassword}`).toString("base64")}`;

describe("security: the long-polling fallback", () => {
  const server = useServer({ LOG_LEVEL: "info" });
  let proxy: NoUpgradeProxy;
  beforeEach(async () => (proxy = await noUpgradeProxy(server.port)));
  afterEach(() => proxy.close());

  /** A client behind a proxy that refuses every Upgrade (403): its joins fall back to long polling. */
  function pollingClient(_server: TestServer, choice = new TransportChoice(memory(), WebSocket as unknown as Ws)) {
    return { client: new FallbackClient(proxy.endpoint, choice), choice };
  }

  it("joins a battle over long polling when the WebSocket cannot open, plays, and is counted as polling", async () => {
    const { client, choice } = pollingClient(server);
    const battle = hearAll(await sdkOf(client).joinOrCreate(RoomName.battle, { name: "Poll" }));
    assert.equal(choice.mode, "polling");
    assert.ok(choice.remembered, "the fallback is remembered for the session");
    send(battle, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
    await until(battle, (s) => s.players?.get(battle.sessionId)?.lastInput === 1, "move applied over polling");
    assert.ok(fallbackOf(server)!.openSockets >= 1);
    const clients = await metricSamples(server, "game_clients");
    assert.ok(clients.includes('game_clients{room="battle",transport="polling"} 1'), clients.join("\n"));
    const received = await metricSamples(server, "game_messages_received_total");
    assert.ok(received.some((line) => /room="battle",type="move",transport="polling"} 1$/.test(line)), received.join("\n"));
    assert.equal(server.logs.at("info", /fell back/).length, 1, "logged once");
    assert.equal(server.logs.at("info", /fell back/)[0]!.reason, "error");
    const open = fallbackOf(server)!.openSockets;
    assert.equal(await battle.leave(), 4000, "a consented leave closes with CONSENTED as on a socket");
    await eventually(() => fallbackOf(server)!.openSockets === open - 1, "the session closed");
  });

  it("falls back when the WebSocket has not opened within the timeout (a middlebox that swallows the Upgrade)", async () => {
    const choice = new TransportChoice(memory(), silentWebSocket(), 200);
    const battle = hearAll(await sdkOf(new FallbackClient(server.httpUrl, choice)).joinOrCreate(RoomName.battle, { name: "Wait" }));
    assert.notEqual(choice.mode, "websocket");
    assert.equal(server.logs.at("info", /fell back/).at(-1)!.reason, "timeout");
    await battle.leave();
  });

  it("chats over polling", async () => {
    const { client } = pollingClient(server);
    const ann = hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, { channel: "poll", name: "Ann" }));
    const ben = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "poll", name: "Ben" }));
    await say(ben, "one", ann);
    await say(ann, "two", ben);
  });

  it("keeps a dropped session's seat: the battle goes on after a reconnection over polling", async () => {
    const { client, choice } = pollingClient(server);
    const battle = hearAll(await sdkOf(client).joinOrCreate(RoomName.battle, { name: "Drop" }));
    // The session ends without a close packet: a dropped connection, its seat kept.
    const left = closedWith(battle);
    (battle.connection as unknown as { transport: { engine: { close(): void } } }).transport.engine.close();
    assert.equal(await left, 1006);
    await eventually(() => server.getRoomById(battle.roomId).clients.length === 0, "the server saw the drop");
    const back = hearAll(await sdkOf(client).reconnect(RoomName.battle, battle.reconnectionToken));
    assert.equal(back.sessionId, battle.sessionId);
    assert.equal(choice.mode, "polling", "the remembered fallback skips the WebSocket");
    assert.equal(server.logs.at("info", /fell back/).at(-1)!.reason, "remembered");
    send(back, ClientMessage.move, { dx: 0, dy: 1, seq: 7 });
    await until(back, (s) => s.players?.get(back.sessionId)?.lastInput === 7, "move applied after the reconnection");
  });

  it("closes a session that sends a malformed frame with CLOSE_BAD_FRAME, as the wire guard closes a socket", async () => {
    const { client } = pollingClient(server);
    const battle = hearAll(await sdkOf(client).joinOrCreate(RoomName.battle, { name: "Bad" }));
    const left = closedWith(battle);
    (battle.connection as unknown as { transport: { engine: { send(data: string): void } } }).transport.engine.send("not a control packet");
    assert.equal(await left, CLOSE_BAD_FRAME);
    assert.equal(server.logs.at("warn", /closed a connection at the wire/).length, 1);
    assert.ok(proxy.upgrades >= 1, "the WebSocket was tried first");
  });

  it("closes a session that sends a message over MAX_MESSAGE_BYTES with 1009, as ws closes a socket", async () => {
    const { client } = pollingClient(server);
    const battle = hearAll(await sdkOf(client).joinOrCreate(RoomName.battle, { name: "Big" }));
    const left = closedWith(battle);
    const engine = (battle.connection as unknown as { transport: { engine: { send(data: Uint8Array): void } } }).transport.engine;
    engine.send(new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(13));
    assert.equal(await left, 1009);
  });

  it("refuses a handshake without a reserved seat, and polling POSTs over the body cap, declared or chunked", async () => {
    const seatless = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(`${server.httpUrl}${FALLBACK_PATH}/p/r/?EIO=4&transport=polling&sessionId=nope`, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      }).on("error", reject);
    });
    assert.equal(seatless.status, 403);
    assert.match(seatless.body, /seat reservation expired/);
    const path = `${FALLBACK_PATH}/p/r/?EIO=4&transport=polling&sid=x`;
    const declared = await rawPost(server.port, path, "x".repeat(FALLBACK_MAX_BODY_BYTES + 1));
    assert.equal(declared.status, 413);
    const chunked = await rawPost(server.port, path, "x".repeat(FALLBACK_MAX_BODY_BYTES + 1), { "Transfer-Encoding": "chunked" });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.headers.connection, "close");
  });
});

describe("security: TRANSPORT_FALLBACK=false", () => {
  const server = useServer({ TRANSPORT_FALLBACK: "false" });

  it("serves no fallback: a polling handshake finds nothing", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      get(`${server.httpUrl}${FALLBACK_PATH}/p/r/?EIO=4&transport=polling`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on("error", reject);
    });
    assert.equal(status, 404);
  });
});

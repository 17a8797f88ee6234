/**
 * OpenTelemetry traces across two real processes sharing a Redis, exported as OTLP/HTTP JSON to a
 * collector inside the test (test/helpers/otlp.ts). Skipped loudly without redis-server.
 */
import assert from "node:assert/strict";
import { Client, type SeatReservation } from "colyseus.js";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import type { ChatState } from "../../server/rooms/schema/ChatState";
import { ClientMessage, RoomName, ServerMessage } from "../../server/shared/protocol";
import { asRoom, send, type GameRoom } from "../../client/rooms";
import { requireRedisServer, startRedis, type RedisProcess } from "../helpers/cluster";
import { startCollector, type Collector, type ReceivedSpan } from "../helpers/otlp";
import { freePort } from "../helpers/ports";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { collect, hearAll, sdkOf } from "../helpers/rooms";
import { eventually } from "../helpers/wait";
import { adminAuthorization } from "../helpers/admin";
import { reconnect } from "../helpers/chat";
import { readSettings } from "../../server/config";

interface Traced extends ServerProcess {
  name: string;
  client: Client;
}

/** A server process with tracing on, named `name` (its service.name), exporting to `collector`. */
async function startTraced(name: string, redisUrl: string, collector: Collector, env: Record<string, string> = {}, port?: number): Promise<Traced> {
  port ??= await freePort();
  const server = await spawnServer({
    PORT: String(port),
    REDIS_URL: redisUrl,
    PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    RATE_LIMIT_SCALE: "100",
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: name,
    OTEL_BSP_SCHEDULE_DELAY: "100",
    ...env,
  });
  await server.line((line) => line.msg === "listening", `${name} listening`);
  return { ...server, name, client: new Client(`ws://127.0.0.1:${port}`) };
}

/** A seat through `via`'s HTTP matchmaker, so the test sees where the room lives before joining. */
async function reserve(via: Traced, method: string, room: string, options: object): Promise<SeatReservation> {
  const response = await fetch(`http://127.0.0.1:${via.port}/matchmake/${method}/${room}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(options),
  });
  return (await response.json()) as SeatReservation;
}

const hostOf = (seat: SeatReservation, servers: Traced[]) =>
  servers.find((server) => (seat.room as { publicAddress?: string }).publicAddress === `127.0.0.1:${server.port}`)!;

/** The one span of `trace` named `name` from `service`, if it arrived. */
const spanIn = (spans: ReceivedSpan[], traceId: string, service: string, name: string) =>
  spans.find((span) => span.traceId === traceId && span.service === service && span.name === name);

describe("tracing across processes (OTLP/HTTP JSON)", function () {
  this.timeout(60_000);
  let redis: RedisProcess;
  let collector: Collector;
  let a: Traced;
  let b: Traced;
  const rooms: { leave(): Promise<unknown>; connection: { isOpen: boolean } }[] = [];
  const track = <T extends (typeof rooms)[number]>(room: T) => (rooms.push(room), room);

  before(async function () {
    requireRedisServer(this);
    [redis, collector] = await Promise.all([startRedis(), startCollector()]);
    [a, b] = await Promise.all([startTraced("game-a", redis.url, collector), startTraced("game-b", redis.url, collector)]);
  });
  afterEach(() => Promise.all(rooms.splice(0).map((room) => room.connection.isOpen && room.leave().catch(() => {}))));
  after(async () => {
    for (const server of [a, b]) server?.child.kill("SIGKILL");
    await Promise.all([a?.exited, b?.exited]);
    await Promise.all([redis?.stop(), collector?.close()]);
  });

  it("gives a join through one process for a room on the other one trace: matchmaking and auth there, seat and join here", async () => {
    const created = await reserve(a, "create", RoomName.battle, { name: "Host" });
    const host = hostOf(created, [a, b]);
    const via = host === a ? b : a;
    track(hearAll(asRoom(RoomName.battle, await host.client.consumeSeatReservation<BattleState>(created))));

    const guest = track(hearAll(await sdkOf(via.client).joinById(RoomName.battle, created.room.roomId, { name: "Guest" })));
    const { matchmake, trace } = await collector.until((spans) => {
      const matchmake = spans.find((s) => s.service === via.name && s.attributes["colyseus.matchmake.method"] === "joinById");
      const join = matchmake && spans.find((s) => s.traceId === matchmake.traceId && s.name === "join" && s.attributes["colyseus.session_id"] === guest.sessionId);
      return join ? { matchmake, trace: matchmake.traceId } : undefined;
    }, "the guest's join span");

    assert.equal(matchmake.name, "POST /matchmake/{method}/{roomName}");
    assert.equal(matchmake.attributes["http.route"], "/matchmake/{method}/{roomName}");
    const auth = spanIn(collector.spans, trace, via.name, "onAuth");
    assert.equal(auth?.parentSpanId, matchmake.spanId, "onAuth runs inside the matchmaking request");
    // The seat is reserved by the room's process, asked through presence with the context in the call.
    const seat = spanIn(collector.spans, trace, host.name, "seat reservation");
    assert.equal(seat?.parentSpanId, matchmake.spanId, "the seat reservation continues the other process's request");
    assert.equal(seat.attributes["colyseus.room.id"], created.room.roomId);
    const join = spanIn(collector.spans, trace, host.name, "join")!;
    assert.equal(join.parentSpanId, matchmake.spanId);
    for (const key of ["colyseus.room.name", "colyseus.room.id", "colyseus.process_id"]) assert.ok(join.attributes[key], `join span has ${key}`);
    assert.ok(collector.contentTypes.has("application/json"), [...collector.contentTypes].join());

    // A log line written inside the join span names its trace and span.
    const joined = await host.line((line) => line.msg === "client joined" && line.sessionId === guest.sessionId, "the guest's join line");
    assert.equal(joined.trace_id, trace);
    assert.equal(joined.span_id, join.spanId);
  });

  it("gives a chat line one trace: its receipt and keep on the speaker's process, its relay on both", async () => {
    const channel = "traced";
    // Two rooms of the channel, one per process (creations alternate between them).
    const seats: SeatReservation[] = [];
    await eventually(async () => {
      seats.push(await reserve(a, "create", RoomName.chat, { channel, name: `M${seats.length}` }));
      return new Set(seats.map((seat) => hostOf(seat, [a, b]))).size === 2;
    }, "a room of the channel on each process");
    const members = await Promise.all(
      [a, b].map(async (server) => {
        const seat = seats.find((s) => hostOf(s, [a, b]) === server)!;
        return track(hearAll(asRoom(RoomName.chat, await server.client.consumeSeatReservation<ChatState>(seat))));
      }),
    );
    const [speaker, listener] = members as GameRoom<"chat", ChatState>[];
    const heard = collect(listener, ServerMessage.chat);
    send(speaker, ClientMessage.chat, { text: "follow me" });
    const line = await eventually(() => heard.find((l) => l.text === "follow me"), "the line on the other process");
    assert.ok(!("tp" in line), "the trace context never reaches a client");

    const receive = await collector.until((spans) => spans.find((s) => s.name === "chat receive" && s.attributes["colyseus.session_id"] === speaker.sessionId), "chat receive");
    // One relay per room of the channel (the creations may have made more than two): some on each process.
    const relays = await collector.until((spans) => {
      const found = spans.filter((s) => s.traceId === receive.traceId && s.name === "chat relay");
      return new Set(found.map((relay) => relay.service)).size === 2 ? found : undefined;
    }, "a relay span from each process");
    // The keep ends when Redis answers, which may be after the relays: it may come in a later export.
    const keep = await collector.until((spans) => spanIn(spans, receive.traceId, a.name, "chat keep"), "chat keep");
    assert.equal(keep.parentSpanId, receive.spanId, "keep runs inside the receipt");
    for (const relay of relays) {
      assert.equal(relay.parentSpanId, keep.spanId, "each relay continues the keep published with the line");
      assert.equal(relay.attributes["messaging.message.id"], String(line.id));
    }
  });

  it("gives a reconnection a span of its own, linked to the join it continues", async () => {
    const member = hearAll(await sdkOf(a.client).joinOrCreate(RoomName.chat, { channel: "comeback", name: "Cy" }));
    const join = await collector.until((spans) => spans.find((s) => s.name === "join" && s.attributes["colyseus.session_id"] === member.sessionId), "the first join");
    member.connection.close(); // a dropped connection, not a leave
    track(hearAll(await reconnect(a.client, member)));
    const again = await collector.until((spans) => spans.find((s) => s.name === "reconnect" && s.attributes["colyseus.session_id"] === member.sessionId), "the reconnection");
    assert.notEqual(again.traceId, join.traceId, "a trace of its own");
    assert.deepEqual(again.links.map((link) => [link.traceId, link.spanId]), [[join.traceId, join.parentSpanId]], "linked to the join's matchmaking request");
  });

  it("traces an admin action, with who did it and the answer", async () => {
    const response = await fetch(`http://127.0.0.1:${a.port}/admin/chat/players/nobody-here/lines`, { headers: { authorization: adminAuthorization() } });
    assert.equal(response.status, 200);
    const action = await collector.until(
      (spans) => spans.find((s) => s.service === a.name && s.name === "admin GET /admin" && s.attributes["url.path"] === "/admin/chat/players/nobody-here/lines"),
      "the admin action's span",
    );
    assert.equal(action.attributes["enduser.id"], readSettings(process.env).adminUser);
    assert.equal(action.attributes["http.response.status_code"], 200);
  });

  it("records a refused chat line as an event of its receipt span", async () => {
    const member = track(hearAll(await sdkOf(a.client).joinOrCreate(RoomName.chat, { channel: "refusals", name: "Ann" })));
    send(member, ClientMessage.chat, { text: "" });
    const refused = await collector.until(
      (spans) => spans.find((s) => s.name === "chat receive" && s.attributes["colyseus.session_id"] === member.sessionId && s.events.some((e) => e.name === "refused")),
      "a receipt with a refusal event",
    );
    assert.equal(refused.events.find((e) => e.name === "refused")?.attributes["colyseus.message.type"], "chat");
  });
});

describe("tracing across regions (OTLP/HTTP JSON)", function () {
  this.timeout(60_000);
  let redis: RedisProcess[] = [];
  let collector: Collector;
  let eu: Traced;
  let us: Traced;
  const rooms: GameRoom<"chat", ChatState>[] = [];

  before(async function () {
    requireRedisServer(this);
    // A regional Redis per region, and one chat Redis for both.
    redis = await Promise.all([startRedis(), startRedis(), startRedis()]);
    collector = await startCollector();
    const [euPort, usPort] = [await freePort(), await freePort()];
    const regions = { REGIONS: `eu=http://127.0.0.1:${euPort},us=http://127.0.0.1:${usPort}`, CHAT_REDIS_URL: redis[2].url };
    [eu, us] = await Promise.all([
      startTraced("game-eu", redis[0].url, collector, { ...regions, REGION: "eu" }, euPort),
      startTraced("game-us", redis[1].url, collector, { ...regions, REGION: "us" }, usPort),
    ]);
  });
  after(async () => {
    await Promise.all(rooms.map((room) => room.connection.isOpen && room.leave().catch(() => {})));
    for (const server of [eu, us]) server?.child.kill("SIGKILL");
    await Promise.all([eu?.exited, us?.exited]);
    await Promise.all([...redis.map((r) => r.stop()), collector?.close()]);
  });

  it("gives a line said in eu one trace: its receipt, keep and relay in eu, its relay in us", async () => {
    const join = async (server: Traced, name: string) => hearAll(await sdkOf(server.client).joinOrCreate(RoomName.chat, { channel: "world", name }));
    const [ann, ben] = await Promise.all([join(eu, "Ann"), join(us, "Ben")]);
    rooms.push(ann, ben);
    const heard = collect(ben, ServerMessage.chat);
    send(ann, ClientMessage.chat, { text: "hello from eu" });
    const line = await eventually(() => heard.find((l) => l.text === "hello from eu"), "the line in us");

    const receive = await collector.until((spans) => spans.find((s) => s.name === "chat receive" && s.attributes["colyseus.session_id"] === ann.sessionId), "chat receive in eu");
    const relays = await collector.until((spans) => {
      const found = spans.filter((s) => s.traceId === receive.traceId && s.name === "chat relay");
      return found.length === 2 ? found : undefined;
    }, "the relay in each region");
    assert.deepEqual(relays.map((r) => r.attributes["cloud.region"]).sort(), ["eu", "us"]);
    assert.ok(relays.every((r) => r.attributes["messaging.message.id"] === String(line.id)));
    const keep = await collector.until((spans) => spanIn(spans, receive.traceId, eu.name, "chat keep"), "chat keep in eu");
    assert.equal(keep.attributes["cloud.region"], "eu");
  });
});

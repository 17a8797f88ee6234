import { Room, type Client } from "@colyseus/core";
import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import express from "express";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { hideRouteErrors } from "../../server/ops/http";
import { createLogger } from "../../server/telemetry/log";
import { ClientMessage, RefusalCode, RoomName, ServerMessage } from "../../server/shared/protocol";
import { adminAuthorization, basicAuth } from "../helpers/admin";
import { hearAll, nextError, nextMessage, until, sdkOf, sendUnchecked } from "../helpers/rooms";
import { useServer, LogLines } from "../helpers/server";
import { send } from "../../client/rooms";

/**
 * Sample value of `name` with exactly `labels` (a histogram's count); 0 when the series does not exist
 * yet. The parser keeps no labels on histograms, so the histograms here have none.
 */
type Families = ReturnType<typeof parsePrometheusTextFormat>;
function sample(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  assert.ok(family, `metric ${name} is exported`);
  const match = family.metrics.find((m) => JSON.stringify(m.labels ?? {}) === JSON.stringify(labels));
  if (!match) return 0;
  return Number(match.value ?? match.count);
}

/** A room that keeps a dropped client's seat, to exercise reconnections before the game rooms do. */
class ReconnectableRoom extends Room {
  async onLeave(client: Client, consented: boolean) {
    if (!consented) await this.allowReconnection(client, 5);
  }
}

describe("operations: admin, metrics, health", () => {
  // Each refused login below comes "from" its own address, or the login throttle would answer.
  const server = useServer({ TRUSTED_PROXY: "127.0.0.1" }, { rooms: { reconnectable: ReconnectableRoom } });
  const basic = (user: string, password: string) => ({ authorization: basicAuth(user, password) });
  const admin = () => ({ authorization: adminAuthorization(server.settings) });

  async function metrics(): Promise<Families> {
    const res = await fetch(`${server.httpUrl}/metrics`, { headers: admin() });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain;.*version=0\.0\.4/);
    return parsePrometheusTextFormat(await res.text());
  }

  describe("monitor panel and metrics need the admin credentials", () => {
    let refusedFrom = 0;
    const guarded = ["/colyseus/", "/colyseus/api", "/colyseus/api/room/call?roomId=x&method=disconnect&args=%5B%5D", "/metrics"];
    for (const path of guarded) {
      it(`${path}: 401 without or with wrong credentials`, async () => {
        const attempts = [{}, basic(server.settings.adminUser, "wrong-password"), basic("intruder", server.settings.adminPassword)];
        for (const headers of attempts) {
          const res = await fetch(`${server.httpUrl}${path}`, { headers: { ...headers, "x-forwarded-for": `198.51.100.${++refusedFrom}` } });
          assert.equal(res.status, 401, JSON.stringify(headers));
          assert.match(res.headers.get("www-authenticate") ?? "", /^Basic realm=/);
        }
      });
    }

    it("200 with the right credentials: the panel page, its API and the metrics", async () => {
      const page = await fetch(`${server.httpUrl}/colyseus/`, { headers: admin() });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
      assert.equal((await fetch(`${server.httpUrl}/colyseus/api`, { headers: admin() })).status, 200);
      assert.equal((await fetch(`${server.httpUrl}/metrics`, { headers: admin() })).status, 200);
    });

    it("403 for a cross-site browser request even with the right credentials", async () => {
      for (const path of ["/colyseus/api", "/metrics"]) {
        const res = await fetch(`${server.httpUrl}${path}`, { headers: { ...admin(), "sec-fetch-site": "cross-site" } });
        assert.equal(res.status, 403, path);
      }
    });

    it("the panel API lists created rooms with players, map, channel and visibility", async () => {
      const battle = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Ann" }));
      const chat = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "ops-list" }));
      const res = await fetch(`${server.httpUrl}/colyseus/api`, { headers: admin() });
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        columns: unknown[];
        rooms: Array<{ roomId: string; name: string; clients: number; maxClients: string; metadata: Record<string, string> }>;
      };
      assert.ok(body.columns.some((c) => JSON.stringify(c) === JSON.stringify({ metadata: "map" })));
      const listedBattle = body.rooms.find((r) => r.roomId === battle.roomId);
      assert.ok(listedBattle, "battle room listed");
      assert.equal(listedBattle.name, RoomName.battle);
      assert.equal(listedBattle.clients, 1);
      // The battle's friendly name rides along as word indexes (test/rooms has its own tests).
      const { name: _words, ...metadata } = listedBattle.metadata;
      assert.deepEqual(metadata, { map: "1000x1000", visibility: "public" });
      const listedChat = body.rooms.find((r) => r.roomId === chat.roomId);
      assert.ok(listedChat, "chat room listed");
      assert.deepEqual(listedChat.metadata, { channel: "ops-list", visibility: "public" });
    });

    it("the panel API lists a battle's chat channel as private: only its players' tickets admit", async () => {
      const battle = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Ann" }));
      const ticket = nextMessage(battle, ServerMessage.battleChat);
      send(battle, ClientMessage.chatTicket);
      const { channel, ticket: pass } = await ticket;
      const chat = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel, ticket: pass, name: "Ann" }));
      const body = (await (await fetch(`${server.httpUrl}/colyseus/api`, { headers: admin() })).json()) as {
        rooms: Array<{ roomId: string; metadata: Record<string, string> }>;
      };
      assert.deepEqual(body.rooms.find((r) => r.roomId === chat.roomId)?.metadata, { channel, visibility: "private" });
    });
  });

  describe("GET /metrics", () => {
    it("parses as Prometheus text with the game metrics and the process defaults", async () => {
      const names = new Set((await metrics()).map((f) => f.name));
      for (const name of [
        "game_clients",
        "game_rooms",
        "game_messages_received_total",
        "game_messages_refused_total",
        "game_bytes_sent_total",
        "game_patch_bytes",
        "game_tick_duration_seconds",
        "game_chat_lines_relayed_total",
        "game_reconnections_total",
        "process_cpu_user_seconds_total",
        "nodejs_eventloop_lag_seconds",
      ]) {
        assert.ok(names.has(name), `${name} exported`);
      }
    });

    it("counts what clients do: messages, refusals, chat lines, bytes, patches, ticks, clients", async () => {
      const before = await metrics();
      const battle = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Ann" }));
      const a = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "ops-metrics" }));

      send(battle, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
      await until(battle, (s: { players: Map<string, { lastInput: number }> }) => s.players.get(battle.sessionId)?.lastInput === 1, "move applied");
      send(battle, ClientMessage.move, { dx: Number.NaN, dy: 0, seq: 2 });
      assert.equal((await nextError(battle)).code, RefusalCode.invalidPayload);
      sendUnchecked(battle, "zzz-unknown", {});
      assert.equal((await nextError(battle)).code, RefusalCode.unknownType);
      const echoed = nextMessage(a, ServerMessage.chat);
      send(a, ClientMessage.chat, { text: "hello metrics" });
      assert.equal((await echoed).text, "hello metrics");

      const after = await metrics();
      const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
      assert.equal(delta("game_messages_received_total", { room: "battle", type: "move", transport: "websocket" }), 2);
      assert.equal(delta("game_messages_received_total", { room: "battle", type: "other", transport: "websocket" }), 1, "unknown types collapse to 'other'");
      assert.equal(delta("game_messages_received_total", { room: "chat", type: "chat", transport: "websocket" }), 1);
      assert.equal(delta("game_messages_refused_total", { type: "move", reason: RefusalCode.invalidPayload }), 1);
      assert.equal(delta("game_messages_refused_total", { type: "other", reason: RefusalCode.unknownType }), 1);
      assert.equal(delta("game_chat_lines_relayed_total", { kind: "user" }), 1);
      assert.ok(delta("game_chat_lines_relayed_total", { kind: "system" }) >= 1, "the join line");
      assert.ok(delta("game_bytes_sent_total", { kind: "patch" }) > 0);
      assert.ok(delta("game_bytes_sent_total", { kind: "message" }) > 0);
      assert.ok(delta("game_patch_bytes") > 0, "patch sizes observed");
      assert.ok(delta("game_tick_duration_seconds") > 0, "ticks timed");
      assert.equal(sample(after, "game_clients", { room: "battle", transport: "websocket" }), 1);
      assert.equal(sample(after, "game_clients", { room: "chat", transport: "websocket" }), 1);
      assert.equal(sample(after, "game_rooms", { room: "battle" }), 1);
    });

    it("counts a successful reconnection", async () => {
      const before = sample(await metrics(), "game_reconnections_total", { outcome: "ok" });
      const room = await server.sdk.joinOrCreate("reconnectable");
      const token = room.reconnectionToken;
      const dropped = new Promise<void>((resolve) => room.onLeave(() => resolve()));
      room.connection.close(); // not a consented leave: the server keeps the seat
      await dropped;
      const again = await server.sdk.reconnect(token);
      assert.equal(again.sessionId, room.sessionId);
      assert.equal(sample(await metrics(), "game_reconnections_total", { outcome: "ok" }) - before, 1);
    });
  });

  describe("health and readiness", () => {
    it("GET /health answers 200 without credentials", async () => {
      const res = await fetch(`${server.httpUrl}/health`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok" });
    });

    it("GET /ready answers 200 while matchmaking accepts players", async () => {
      const res = await fetch(`${server.httpUrl}/ready`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ready" });
    });
  });

  describe("HTTP errors never carry internals", () => {
    it("refuses a monitor room call with malformed args, and keeps serving", async () => {
      for (const args of ["%7B", "%22not-an-array%22", ""]) {
        const res = await fetch(`${server.httpUrl}/colyseus/api/room/call?roomId=x&method=mute&args=${args}`, { headers: admin() });
        assert.equal(res.status, 400, args);
        assert.deepEqual(await res.json(), { error: 'args must be a JSON array, e.g. ["sessionId"]' });
      }
      assert.equal((await fetch(`${server.httpUrl}/health`)).status, 200, "the process is still up");
    });

    it("answers a failing route with its status and a fixed text, no stack trace or path", async () => {
      // The handler app.config puts last in the Express chain, in front of routes that fail.
      const app = express();
      app.get("/bug", () => {
        throw new Error(`internal detail at ${__filename}`);
      });
      app.post("/json", express.json(), (_req, res) => void res.json({ ok: true }));
      const logs = new LogLines();
      app.use(hideRouteErrors(createLogger({ logLevel: "error", logFormat: "json" }, logs)));
      const http = app.listen(0, "127.0.0.1");
      await once(http, "listening");
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      try {
        const bug = await fetch(`${url}/bug`);
        assert.equal(bug.status, 500);
        const bugBody = await bug.text();
        assert.deepEqual(JSON.parse(bugBody), { error: "internal error" });
        const badJson = await fetch(`${url}/json`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
        assert.equal(badJson.status, 400);
        const badBody = await badJson.text();
        assert.deepEqual(JSON.parse(badBody), { error: "Bad Request" });
        for (const body of [bugBody, badBody]) assert.doesNotMatch(body, /Error|\bat |node_modules|internal detail|\.ts/);
        const logged = logs.at("error", /HTTP route failed/);
        assert.equal(logged.length, 1, "the failure is in the log, with its path");
        assert.equal(logged[0].path, "/bug");
      } finally {
        http.close();
      }
    });
  });
});

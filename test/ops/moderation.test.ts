/**
 * The moderation console's actions over HTTP, as a script would call them (Accept: application/json)
 * and as the pages show them: search, lines, mute, kick, ban (player, address prefix, reconnection),
 * unban, erase, resolve a report; each refused with a reason when it makes no sense, each audited.
 */
import { createSecretKey } from "node:crypto";
import assert from "node:assert/strict";
import type { Client } from "colyseus.js";
import { send } from "../../client/rooms";
import { mintToken } from "../../scripts/token";
import { ADMIN_LOGIN_FAILURES_MAX, CLOSE_KICKED, ClientMessage, CONSOLE_REQUESTS_PER_ADDRESS, JOIN_BANNED, RefusalCode, RoomName, ServerMessage } from "../../server/shared/protocol";
import { adminAuthorization, basicAuth } from "../helpers/admin";
import { clientVia } from "../helpers/addresses";
import { say } from "../helpers/chat";
import { closedWith, hearAll, nextError, nextMessage, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const KEY = createSecretKey(Buffer.from(SECRET));
const tokenFor = (sub: string, name: string) => mintToken(KEY, "HS256", { sub, name });

describe("moderation console actions", () => {
  const server = useServer({ AUTH_JWT_SECRET: SECRET, TRUSTED_PROXY: "127.0.0.1" });
  const admin = () => ({ authorization: adminAuthorization(server.settings), accept: "application/json" });
  const act = async (action: string, fields: Record<string, string>) => {
    const res = await fetch(`${server.httpUrl}/admin/actions/${action}`, { method: "POST", headers: admin(), body: new URLSearchParams(fields) });
    return { status: res.status, body: (await res.json()) as { ok: boolean; code?: string; message?: string; detail?: string } };
  };
  const page = async (path: string) => {
    const res = await fetch(`${server.httpUrl}/admin${path}`, { headers: { authorization: adminAuthorization(server.settings) } });
    return { status: res.status, text: await res.text(), csp: res.headers.get("content-security-policy") };
  };
  const player = async (sub: string, name: string, address = "192.0.2.1"): Promise<Client> => clientVia(server.port, address, await tokenFor(sub, name));
  const joinChat = async (client: Client, channel = "mod-console") => {
    const room = hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, { channel }));
    await nextMessage(room, ServerMessage.history);
    return room;
  };
  const audit = () => server.context.moderation.audit.list();

  afterEach(async () => {
    const { bans, reports } = server.context.moderation;
    for (const ban of await bans.list(Date.now())) await bans.remove({ kind: ban.kind, target: ban.target } as never, Date.now());
    for (const report of await reports.list()) await reports.take(report.id);
  });

  it("finds a player on the console by name or id, and reads their lines in every channel with context", async () => {
    const mal = await joinChat(await player("mallory-1", "Mallory"), "room-one");
    const other = await joinChat(await player("olga-1", "Olga"), "room-one");
    await say(other, "before", mal);
    await say(mal, "in room one", other);
    await say(other, "after", mal);
    const inTwo = await joinChat(await player("mallory-1", "Mallory"), "room-two");
    await say(inTwo, "in room two");
    const byName = await page("/?q=mallo");
    assert.equal(byName.status, 200);
    assert.match(byName.csp ?? "", /default-src 'none'/);
    assert.equal(byName.text.match(/mallory-1<\/a>/g)?.length, 2, "in both channels");
    assert.doesNotMatch(byName.text, /olga-1/);
    const lines = await page("/players/mallory-1");
    assert.match(lines.text, /in room two/);
    assert.match(lines.text, /before[\s\S]*in room one[\s\S]*after/, "the line with the lines around it");
  });

  it("mute refuses the player's lines in every channel, and the audit log says who, what, whom, when and why", async () => {
    const mal = await joinChat(await player("mallory-2", "Mallory"));
    const done = await act("mute", { playerId: "mallory-2", seconds: "120", reason: "spam" });
    assert.deepEqual(done, { status: 200, body: { ok: true, detail: "120 s" } });
    send(mal, ClientMessage.chat, { text: "still here?" });
    assert.equal((await nextError(mal)).code, RefusalCode.muted);
    const [entry] = await audit();
    assert.deepEqual({ ...entry, at: undefined, id: undefined }, { at: undefined, id: undefined, by: server.settings.adminUser, action: "mute", whom: "mallory-2", why: "spam", detail: "120 s" });
    assert.ok(Math.abs(entry!.at - Date.now()) < 60_000);
  });

  it("kick removes the player from every room for good", async () => {
    const mal = await joinChat(await player("mallory-3", "Mallory"));
    const closed = closedWith(mal);
    assert.equal((await act("kick", { playerId: "mallory-3", reason: "cool off" })).body.ok, true);
    assert.equal(await closed, CLOSE_KICKED);
    assert.deepEqual((await act("kick", { playerId: "mallory-3" })).body.code, RefusalCode.noSuchMember);
  });

  it("a banned player's joins are refused with JOIN_BANNED saying until when; unban lets them in again", async () => {
    const mal = await joinChat(await player("mallory-4", "Mallory"));
    const closed = closedWith(mal);
    const banned = await act("ban", { kind: "player", target: "mallory-4", seconds: "3600", reason: "abuse" });
    assert.equal(banned.body.ok, true);
    assert.equal(await closed, CLOSE_KICKED, "removed at once");
    const refused = await joinChat(await player("mallory-4", "Mallory")).catch((error: { code?: number; message?: string }) => error);
    assert.equal((refused as { code?: number }).code, JOIN_BANNED);
    assert.match((refused as Error).message, /\(abuse\) until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(await joinChat(await player("olga-4", "Olga")), "another player joins");
    assert.match((await page("/")).text, /mallory-4/, "listed among the bans");
    assert.equal((await act("unban", { kind: "player", target: "mallory-4", reason: "appeal" })).body.ok, true);
    assert.ok(await joinChat(await player("mallory-4", "Mallory")));
    assert.equal((await act("unban", { kind: "player", target: "mallory-4" })).body.code, RefusalCode.notBanned);
    assert.deepEqual((await audit()).slice(0, 2).map((e) => e.action), ["unban", "ban"]);
  });

  it("an address prefix ban refuses joins and reconnections from inside it, not from outside", async () => {
    const inside = await joinChat(await player("guest-like-5", "Gus", "203.0.113.9"));
    inside.connection.close(); // dropped: its seat is kept for a reconnection
    await new Promise<void>((resolve) => inside.onLeave(() => resolve()));
    assert.equal((await act("ban", { kind: "address", target: "203.0.113.0/24", seconds: "600" })).body.ok, true);
    const client = await player("guest-like-5", "Gus", "203.0.113.77");
    await assert.rejects(joinChat(client), { code: JOIN_BANNED });
    await assert.rejects(sdkOf(client).reconnect(RoomName.chat, inside.reconnectionToken), { code: JOIN_BANNED });
    assert.ok(await joinChat(await player("honest-5", "Hana", "203.0.114.1")), "the next /24 joins");
  });

  it("refuses bad actions with a reason and changes nothing", async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ["mute", { playerId: "x", seconds: "0" }, RefusalCode.invalidPayload],
      ["mute", { playerId: "", seconds: "60" }, RefusalCode.invalidPayload],
      ["ban", { kind: "address", target: "10.0.0.0/8" }, RefusalCode.invalidPayload],
      ["ban", { kind: "address", target: "not an address" }, RefusalCode.invalidPayload],
      ["ban", { kind: "player", target: "x", seconds: "1e12" }, RefusalCode.invalidPayload],
      ["ban", { kind: "role", target: "x" }, RefusalCode.invalidPayload],
      ["resolve", { id: "99999", action: "dismiss" }, RefusalCode.noSuchReport],
      ["resolve", { id: "1", action: "delete-everything" }, RefusalCode.invalidPayload],
    ];
    for (const [action, fields, code] of cases) {
      const { status, body } = await act(action, fields);
      assert.equal(status, 400, `${action} ${JSON.stringify(fields)}`);
      assert.equal(body.code, code, `${action} ${JSON.stringify(fields)}`);
      assert.ok(body.message, "with a message");
    }
    assert.equal((await act("nope", {})).status, 404);
    assert.deepEqual(await server.context.moderation.bans.list(Date.now()), []);
  });

  it("erases a player's lines, and resolves a report with a ban, newest report first in the queue", async () => {
    const mal = await joinChat(await player("mallory-6", "Mallory"));
    const ben = await joinChat(await player("ben-6", "Ben"));
    const first = await say(mal, "first insult", ben);
    const second = await say(mal, "second insult", ben);
    for (const line of [first, second]) {
      send(ben, ClientMessage.report, { lineId: line.id });
      await nextMessage(ben, ServerMessage.reported);
    }
    const queue = await server.context.moderation.reports.list();
    assert.deepEqual(queue.map((r) => r.line.text), ["second insult", "first insult"]);
    const closed = closedWith(mal);
    assert.equal((await act("resolve", { id: String(queue[0]!.id), action: "ban", seconds: "60", reason: "insults" })).body.ok, true);
    assert.equal(await closed, CLOSE_KICKED);
    assert.equal((await server.context.moderation.reports.list()).length, 1);
    const erased = await act("erase", { playerId: "mallory-6", reason: "request" });
    assert.deepEqual(erased.body, { ok: true, detail: "2 line(s) erased" });
    assert.deepEqual((await audit()).slice(0, 3).map((e) => e.action), ["erase", "resolve", "ban"]);
    const exported = await fetch(`${server.httpUrl}/admin/audit.json`, { headers: admin() });
    assert.match(exported.headers.get("content-disposition") ?? "", /attachment/);
    const { entries } = (await exported.json()) as { entries: Array<{ action: string }> };
    assert.equal(entries[0]!.action, "erase");
  });

  it("the monitor panel links to the console", async () => {
    const panel = await fetch(`${server.httpUrl}/colyseus/`, { headers: { authorization: adminAuthorization(server.settings) } });
    assert.equal(panel.status, 200);
    const html = await panel.text();
    assert.match(html, /<a href="\/admin\/"[^>]*>Moderation console<\/a>/);
    assert.match(html, /bundle\.js/, "the panel itself still loads");
  });

  // Last: it spends this address's console allowance and its login allowance.
  it("refuses a wrong password, a cross-site form and a flood as the monitor does, and paces a script past its allowance", async () => {
    const url = `${server.httpUrl}/admin/`;
    const wrong = { authorization: basicAuth(server.settings.adminUser, "wrong-password") };
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { ...admin(), "sec-fetch-site": "cross-site" } })).status, 403);
    const ban = { method: "POST", body: new URLSearchParams({ kind: "player", target: "victim" }) };
    assert.equal((await fetch(`${url}actions/ban`, { ...ban, headers: { ...admin(), "sec-fetch-site": "cross-site" } })).status, 403);
    const statuses = [];
    for (let i = 0; i < CONSOLE_REQUESTS_PER_ADDRESS.burst + 5; i++) statuses.push((await fetch(url, { headers: admin() })).status);
    assert.ok(statuses.includes(429), "a script past CONSOLE_REQUESTS_PER_ADDRESS is told to wait");
    assert.equal(statuses[0], 200, "the earlier tests left some of the burst");
    const guesses = [];
    for (let i = 0; i <= ADMIN_LOGIN_FAILURES_MAX; i++) guesses.push((await fetch(url, { headers: wrong })).status);
    assert.deepEqual(guesses, [...Array(ADMIN_LOGIN_FAILURES_MAX).fill(401), 429]);
    assert.deepEqual(await server.context.moderation.bans.list(Date.now()), []);
  });
});

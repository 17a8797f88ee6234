import assert from "node:assert/strict";
import { Client } from "colyseus.js";
import { EXIT_CUT_SHORT } from "../../server/ops/signals";
import { SHUTDOWN_REASON } from "../../server/rooms/shutdown";
import { ClientMessage, RoomName, ServerMessage } from "../../server/shared/protocol";
import { redisAnswers, REDIS_START_TIMEOUT_MS, StartProblem } from "../../server/scaling/startCheck";
import { freePort } from "../helpers/ports";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { closedWith, hearAll, nextMessage, sdkOf } from "../helpers/rooms";
import { EVENT_TIMEOUT_MS, eventually } from "../helpers/wait";
import { send } from "../../client/rooms";

/** Resolves with the exit, or fails after `ms`. */
async function exitWithin(server: ServerProcess, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`server still running ${ms} ms later`)), ms);
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe("a real server process (node --import tsx server/index.ts)", function () {
  // Each test starts a process; tsx needs a few seconds on a busy 2-core machine.
  this.timeout(30_000);
  let server: ServerProcess | undefined;

  afterEach(() => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    server = undefined;
  });

  it("refuses to start on a bad variable with one line naming it", async () => {
    server = await spawnServer({ PORT: "abc" });
    const { code } = await exitWithin(server, 3 * EVENT_TIMEOUT_MS);
    assert.equal(code, 1);
    const errors = server.stderr.filter((line) => line.startsWith("Invalid configuration"));
    assert.deepEqual(errors, ['Invalid configuration: "PORT" should be a valid integer']);
    assert.ok(!server.stderr.some((line) => line.trim().startsWith("at ")), "no stack trace");
    assert.ok(!server.lines.some((line) => line.msg === "listening"), "never listened");
  });

  it("with REDIS_URL unreachable at start: one line naming it without credentials and what to check, then exit 1", async () => {
    const port = await freePort();
    const started = performance.now();
    await assert.rejects(redisAnswers(`redis://user:s3cret@127.0.0.1:${port}/2`), (error: Error) => {
      assert.ok(error instanceof StartProblem);
      assert.match(error.message, new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/2 \\(REDIS_URL\\) within 3 s: .*ECONNREFUSED.*Check that Redis is running`));
      assert.ok(!error.message.includes("s3cret"));
      return true;
    });
    // It waits its few seconds for a Redis that may be starting, and not much more.
    assert.ok(performance.now() - started < REDIS_START_TIMEOUT_MS + EVENT_TIMEOUT_MS, "gave up within seconds");

    server = await spawnServer({ REDIS_URL: `redis://user:s3cret@127.0.0.1:${port}`, PUBLIC_ADDRESS: "127.0.0.1:1" });
    const { code } = await exitWithin(server, REDIS_START_TIMEOUT_MS + 4 * EVENT_TIMEOUT_MS);
    assert.equal(code, 1);
    assert.deepEqual(server.lines.map((line) => [line.level, line.redis]), [["fatal", `redis://127.0.0.1:${port}`]], "one line, naming the Redis");
    assert.deepEqual(server.stderr, [], "nothing else: no ioredis error event, no stack");
    assert.ok(!JSON.stringify(server.lines).includes("s3cret"));
  });

  it("on SIGTERM: matchmaking stops, players are warned, chat still relays, then exit 0 in time", async () => {
    const graceMs = 1000;
    const timeoutMs = 6000;
    // No ADMIN_PASSWORD: the generated one opens /metrics.
    server = await spawnServer({ SHUTDOWN_GRACE_MS: String(graceMs), SHUTDOWN_TIMEOUT_MS: String(timeoutMs), ADMIN_PASSWORD: "" });
    await server.line((l) => l.msg === "listening", "listening");
    const base = `http://127.0.0.1:${server.port}`;
    // Without a terminal the banner, and the generated password in it, goes to stderr; no log line has it.
    const running = server;
    const password = await eventually(() => running.stderr.join("\n").match(/generated for this run: (\S+)/)?.[1], "the banner's password");
    assert.ok(!running.lines.some((l) => JSON.stringify(l).includes(password)), "the password is in no log line");
    const auth = `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`;
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: auth } })).status, 200);

    const client = new Client(`ws://127.0.0.1:${server.port}`);
    const battle = hearAll(await sdkOf(client).joinOrCreate(RoomName.battle, { name: "Ann" }));
    const ann = hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, { channel: "ops", name: "Ann" }));
    const ben = hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, { channel: "ops", name: "Ben" }));
    const notices = [nextMessage(battle, ServerMessage.shutdown), ...[ann, ben].map((room) => nextMessage(room, ServerMessage.shutdown))];
    const closes = [battle, ann, ben].map(closedWith);

    const signalledAt = Date.now();
    server.child.kill("SIGTERM");
    for (const notice of await Promise.all(notices)) {
      assert.deepEqual(notice, { reason: SHUTDOWN_REASON, reconnect: false, inMs: graceMs });
    }

    // While the rooms drain: not ready, still alive, no new players, and chat still relays.
    const ready = await fetch(`${base}/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: "shutting_down" });
    assert.equal((await fetch(`${base}/health`)).status, 200);
    await assert.rejects(sdkOf(client).joinOrCreate(RoomName.chat, { channel: "late" }), "matchmaking refuses new players");
    const relayed = nextMessage(ben, ServerMessage.chat);
    send(ann, ClientMessage.chat, { text: "see you on the other side" });
    assert.equal((await relayed).text, "see you on the other side");

    const codes = await Promise.all(closes);
    assert.deepEqual(codes, [4000, 4000, 4000], "closed as a consented leave");
    const { code } = await exitWithin(server, timeoutMs);
    const tookMs = Date.now() - signalledAt;
    assert.equal(code, 0);
    assert.ok(tookMs >= graceMs, `players had the whole grace period (${tookMs} ms)`);
    assert.ok(server.lines.some((l) => l.msg === "room closing for shutdown" && typeof l.roomId === "string"));
  });

  it("exits at once on a second signal during the grace period", async () => {
    server = await spawnServer({ SHUTDOWN_GRACE_MS: "60000", SHUTDOWN_TIMEOUT_MS: "120000", ADMIN_PASSWORD: "process-test-password" });
    await server.line((l) => l.msg === "listening", "listening");
    const client = new Client(`ws://127.0.0.1:${server.port}`);
    const chat = hearAll(await sdkOf(client).joinOrCreate(RoomName.chat, { channel: "ops" }));
    const notice = nextMessage(chat, ServerMessage.shutdown);
    server.child.kill("SIGTERM");
    assert.equal((await notice).inMs, 60_000);
    server.child.kill("SIGTERM");
    const { code } = await exitWithin(server, EVENT_TIMEOUT_MS);
    assert.equal(code, EXIT_CUT_SHORT);
    assert.ok(server.lines.some((l) => l.msg === "second signal: exiting now"));
  });
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";
import { Client } from "colyseus.js";
import { readSettings } from "../../server/config";
import { pickLogOutput } from "../../server/telemetry/log";
import { bannerText, shownPassword, startFacts } from "../../server/ops/banner";
import { redactUrl } from "../../server/config/redact";
import { RoomName } from "../../server/shared/protocol";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { freePort } from "../helpers/ports";
import { hearAll, sdkOf } from "../helpers/rooms";
import { eventually } from "../helpers/wait";

/** A pretty log line: `[12:00:00.000] INFO: msg …`. */
const READABLE_LINE = /^\[\d\d:\d\d:\d\d\.\d{3}\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL): \S/;
const TERMINAL_START_MS = 20_000;

interface TerminalServer {
  port: number;
  /** Everything the server wrote to its terminal (stdout and stderr), colours and \r removed. */
  lines(): string[];
  /** Whether it came with terminal colour codes. */
  coloured(): boolean;
  stop(): void;
}

/** The dev server under a pseudo-terminal (util-linux `script`), as an operator runs `npm start`. */
async function spawnAtTerminal(env: Record<string, string>): Promise<TerminalServer> {
  const port = await freePort();
  const command = `${process.execPath} --import tsx server/index.ts`;
  const child = spawn("script", ["-qefc", command, "/dev/null"], {
    env: { ...process.env, LOG_LEVEL: "info", PORT: String(port), TERM: "xterm", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so the server under `script` goes down with it.
    detached: true,
  });
  let raw = "";
  child.stdout!.on("data", (chunk: Buffer) => (raw += chunk.toString()));
  child.stderr!.resume();
  return {
    port,
    lines: () => stripVTControlCharacters(raw).replace(/\r/g, "").split("\n"),
    coloured: () => raw.includes("\u001b["),
    stop: () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}

describe("logs and the start banner", function () {
  // Each process test starts the server under tsx: a few seconds on a busy 2-core machine.
  this.timeout(40_000);

  it("picks readable lines at a terminal and JSON anywhere else, unless LOG_FORMAT says", () => {
    assert.equal(pickLogOutput("auto", true), "pretty");
    assert.equal(pickLogOutput("auto", false), "json");
    assert.equal(pickLogOutput("json", true), "json");
    assert.equal(pickLogOutput("pretty", false), "pretty");
  });

  it("shows a generated admin password in the banner, never a set one, never with NODE_ENV=production", () => {
    const generated = readSettings({});
    assert.equal(shownPassword(generated, {}), generated.adminPassword);
    assert.equal(shownPassword(generated, { NODE_ENV: "production" }), undefined);
    const set = readSettings({ ADMIN_PASSWORD: "operator-chosen-secret" });
    assert.equal(shownPassword(set, {}), undefined);
    const facts = startFacts(generated, 2567, "LocalPresence", "LocalDriver", "json");
    const hidden = bannerText(facts, undefined, false);
    assert.ok(!hidden.includes(generated.adminPassword));
    assert.match(hidden, /password +generated for this run, not shown \(NODE_ENV=production\)/);
    assert.match(bannerText(startFacts(set, 2567, "LocalPresence", "LocalDriver", "json"), undefined, false), /password +from ADMIN_PASSWORD/);
  });

  it("names the Redis in use without its credentials", () => {
    assert.equal(redactUrl("redis://user:s3cret@redis.internal:6380/2"), "redis://redis.internal:6380/2");
    const s = readSettings({ REDIS_URL: "rediss://:s3cret@redis.internal:6380", PUBLIC_ADDRESS: "game-1:2567" });
    const text = bannerText(startFacts(s, 2567, "RedisPresence", "RedisDriver", "json"), undefined, false);
    assert.match(text, /presence +RedisPresence, driver RedisDriver, Redis rediss:\/\/redis.internal:6380, this process at game-1:2567/);
    assert.ok(!text.includes("s3cret"));
  });

  it("names the trace collector without its credentials, and says when tracing is off", () => {
    const on = readSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://ops:s3cret@otel.internal:4318", OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" });
    const text = bannerText(startFacts(on, 2567, "LocalPresence", "LocalDriver", "json"), undefined, false);
    assert.match(text, /tracing +https:\/\/otel\.internal:4318\/v1\/traces as colyseus-battle-chat, sampler traceidratio 0\.1/);
    assert.ok(!text.includes("s3cret"));
    assert.match(bannerText(startFacts(readSettings({}), 2567, "LocalPresence", "LocalDriver", "json"), undefined, false), /tracing +off \(OTEL_EXPORTER_OTLP_ENDPOINT\)/);
  });

  it("at a terminal: a coloured banner with the URLs, user, password source, presence and limits, then one readable line per event", async () => {
    const server = await spawnAtTerminal({ ADMIN_PASSWORD: "" });
    try {
      const banner = await eventually(() => {
        const lines = server.lines();
        const start = lines.findIndex((line) => line.startsWith("Battle & chat server listening"));
        return start >= 0 && lines.slice(start).some((line) => line.startsWith("logs")) ? lines.slice(start) : undefined;
      }, "the start banner", TERMINAL_START_MS);
      const text = banner.join("\n");
      assert.match(text, new RegExp(`game +http://localhost:${server.port}/`));
      assert.match(text, new RegExp(`monitor +http://localhost:${server.port}/colyseus/  user admin`));
      assert.match(text, new RegExp(`console +http://localhost:${server.port}/admin/`), "the moderation console");
      const password = text.match(/password +generated for this run: (\S+)/)?.[1];
      assert.ok(password && password.length === 24, "the generated password, in the banner");
      assert.match(text, /presence +LocalPresence, driver LocalDriver/);
      assert.match(text, /rates\/s +move 30, attack 4, chatTicket 1, chat 1, resume 1, historyMore 5, report 1, filter 1, other 5/);
      assert.match(text, /chat +200 lines per channel, each kept 30 d/);
      assert.ok(server.coloured(), "terminal colours");
      assert.ok(server.lines().some((line) => READABLE_LINE.test(line) && line.includes("ADMIN_PASSWORD is not set")));

      // An event after the start: one readable line naming it, with its fields on the same line.
      const room = hearAll(await sdkOf(new Client(`ws://127.0.0.1:${server.port}`)).joinOrCreate(RoomName.chat, { channel: "logs" }));
      const joined = await eventually(() => server.lines().find((line) => line.includes("client joined")), "the join line");
      assert.match(joined, READABLE_LINE);
      assert.ok(joined.includes(`"sessionId":"${room.sessionId}"`), joined);
      await room.leave();
      const logLines = server.lines().filter((line) => READABLE_LINE.test(line));
      assert.ok(!logLines.some((line) => line.includes(password)), "the password is in no log line");
      assert.ok(!server.lines().some((line) => line.startsWith("{")), "no JSON at a terminal");
    } finally {
      server.stop();
    }
  });

  it("LOG_FORMAT=json at a terminal: JSON lines all the same", async () => {
    const server = await spawnAtTerminal({ LOG_FORMAT: "json", ADMIN_PASSWORD: "terminal-json-password" });
    try {
      const listening = await eventually(
        () => server.lines().find((line) => line.startsWith("{") && line.includes('"msg":"listening"')),
        "the listening line",
        TERMINAL_START_MS,
      );
      assert.equal(JSON.parse(listening).gameUrl, `http://localhost:${server.port}/`);
      assert.ok(!server.lines().some((line) => READABLE_LINE.test(line)), "no readable log lines");
    } finally {
      server.stop();
    }
  });

  it("without a terminal: only JSON lines on stdout, the start facts on the listening line, the banner on stderr", async () => {
    let server: ServerProcess | undefined;
    try {
      server = await spawnServer({ ADMIN_PASSWORD: "", NODE_ENV: "development" });
      const running = server;
      const listening = await running.line((l) => l.msg === "listening", "listening");
      assert.deepEqual(
        [listening.gameUrl, listening.monitorUrl, listening.consoleUrl, listening.adminUser, listening.adminPasswordFrom, listening.presence, listening.driver],
        [`http://localhost:${running.port}/`, `http://localhost:${running.port}/colyseus/`, `http://localhost:${running.port}/admin/`, "admin", "generated", "LocalPresence", "LocalDriver"],
      );
      assert.equal((listening.limits as { messageBytes: number }).messageBytes, 4096);
      const password = await eventually(() => running.stderr.join("\n").match(/generated for this run: (\S+)/)?.[1], "the banner on stderr");
      assert.ok(!running.lines.some((l) => JSON.stringify(l).includes(password)), "the password is in no log line");
      const room = hearAll(await sdkOf(new Client(`ws://127.0.0.1:${running.port}`)).joinOrCreate(RoomName.chat, { channel: "logs" }));
      await running.line((l) => l.msg === "client joined" && l.sessionId === room.sessionId, "the join line");
      await room.leave();
      assert.deepEqual(running.otherStdout, [], "every stdout line is JSON");
    } finally {
      server?.child.kill("SIGKILL");
    }
  });

  it("below LOG_LEVEL=info: no banner, only the generated password's line", async () => {
    let server: ServerProcess | undefined;
    try {
      server = await spawnServer({ ADMIN_PASSWORD: "", LOG_LEVEL: "warn" });
      const running = server;
      await running.line((l) => l.msg?.startsWith("ADMIN_PASSWORD is not set") === true, "the warning");
      const line = await eventually(() => running.stderr.find((l) => l.includes("generated for this run")), "the password line");
      assert.match(line, /^ADMIN_PASSWORD is not set: generated for this run: user admin, password \S{24}$/);
      assert.ok(!running.stderr.some((l) => l.startsWith("Battle & chat server listening")), "no banner");
    } finally {
      server?.child.kill("SIGKILL");
    }
  });
});

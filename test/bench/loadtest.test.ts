import { matchMaker } from "@colyseus/core";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BattleRoom } from "../../server/rooms/BattleRoom";
import type { ChatRoom } from "../../server/rooms/ChatRoom";
import { RoomName } from "../../server/shared/protocol";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { ROOT } from "../helpers/paths";

/** Bots start one after another through the tool; a few take a couple of seconds on a busy machine. */
const BOTS_TIMEOUT_MS = 15_000;

/** The room instances of `name` running in this process. */
async function localRooms<R>(name: string): Promise<R[]> {
  const listed = await matchMaker.query({ name });
  return listed.map((cache) => matchMaker.getLocalRoomById(cache.roomId) as unknown as R).filter(Boolean);
}

describe("loadtest: @colyseus/loadtest bots", function () {
  this.timeout(BOTS_TIMEOUT_MS + 10_000);
  let bots: ChildProcess | undefined;
  const out = mkdtempSync(join(tmpdir(), "loadtest-"));
  // Ahead of useServer's clean-up: the bots stop before their rooms are emptied.
  afterEach(async () => {
    if (bots && bots.exitCode === null) {
      bots.kill("SIGTERM");
      await once(bots, "exit");
    }
  });
  after(() => rmSync(out, { recursive: true, force: true }));
  const server = useServer();

  function run(script: string, room: string, extra: string[] = []) {
    const log = join(out, `${script}.log`);
    const endpoint = server.wsUrl;
    bots = spawn(process.execPath, ["--import", "tsx", `loadtest/${script}.ts`, "--room", room, "--endpoint", endpoint, "--output", log, ...extra], {
      cwd: ROOT,
      stdio: "ignore",
    });
    return log;
  }

  async function stopAndReadSummary(log: string) {
    bots!.kill("SIGTERM");
    await once(bots!, "exit");
    return readFileSync(log, "utf8");
  }

  it("battle bots join, move and attack until stopped, then log a clean summary", async () => {
    const log = run("battle", RoomName.battle, ["--numClients", "3"]);
    let players: { lastInput: number }[] = [];
    await eventually(async () => {
      const [room] = await localRooms<BattleRoom>(RoomName.battle);
      players = room ? [...room.state.players.values()] : [];
      return players.length === 3 && players.some((p) => p.lastInput > 0);
    }, "three bots in one battle, one of them moving", BOTS_TIMEOUT_MS);
    const summary = await stopAndReadSummary(log);
    assert.match(summary, /Successful connections: 3\b/);
    assert.match(summary, /Failed connections: 0\b/);
    assert.match(summary, /Total errors: 0\b/);
  });

  it("with --duration: stops by itself and prints the server's own figures over the run", async () => {
    const log = run("battle", RoomName.battle, ["--numClients", "2", "--duration", "3"]);
    const [code] = (await once(bots!, "exit")) as [number | null];
    assert.equal(code, 0);
    const summary = readFileSync(log, "utf8");
    assert.match(summary, /Successful connections: 2\b/);
    const figures = summary.slice(summary.indexOf("server figures over"));
    assert.match(figures, /^server figures over \d+\.\d s \(GET \/metrics; latency: npm run bench\)/);
    assert.match(figures, /clients 2, rooms 1/);
    // The bots moved: the server received their messages and ticked.
    assert.ok(Number(figures.match(/messages received ([\d.]+)\/s/)?.[1]) > 0, figures);
    assert.match(figures, /ticks [1-9]\d*: mean [\d.]+ ms, p99 ≤ [\d.]+ ms/);
  });

  it("chat bots spread over the channels given with --channels", async () => {
    const log = run("chat", RoomName.chat, ["--numClients", "4", "--channels", "2"]);
    let channels: string[] = [];
    await eventually(async () => {
      const rooms = await localRooms<ChatRoom>(RoomName.chat);
      channels = rooms.filter((room) => room.state.members.size === 2).map((room) => room.state.channel).sort();
      return channels.length === 2;
    }, "two channels of two members", BOTS_TIMEOUT_MS);
    assert.deepEqual(channels, ["loadtest-0", "loadtest-1"]);
    const summary = await stopAndReadSummary(log);
    assert.match(summary, /Successful connections: 4\b/);
    assert.match(summary, /Failed connections: 0\b/);
  });
});

/**
 * Hostile joins and messages against a real server process: nothing a client sends may stop it.
 * Once, `joinOrCreate("lobby", "x")` and one `filter` message shut the whole process down.
 */
import assert from "node:assert/strict";
import { Client, type Room } from "colyseus.js";
import { RATE_LIMITS } from "../../server/shared/messages";
import { JOIN_INVALID_OPTIONS, RefusalCode } from "../../server/shared/codes";
import { ClientMessage, ServerMessage } from "../../server/shared/messages";
import { RoomName } from "../../server/shared/payloads";
import { spawnServer, type ServerProcess } from "../helpers/process";
import { collect, hearAll, joinUnchecked, sdkOf, sendUnchecked } from "../helpers/rooms";
import { EVENT_TIMEOUT_MS, eventually } from "../helpers/wait";

/** A message each room takes, with a payload of the right shape. */
const MESSAGE = {
  battle: ["attack", {}],
  chat: ["chat", { text: "hello" }],
  lobby: ["filter", { name: "battle" }],
} as const;

/** Resolves once the room answers anything or closes, whichever comes first. */
function answeredOrClosed(room: Room): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("neither an answer nor a close")), EVENT_TIMEOUT_MS);
    const done = (what: string) => {
      clearTimeout(timer);
      resolve(what);
    };
    room.onMessage("*", (type) => done(`message ${String(type)}`));
    room.onLeave((code) => done(`closed ${code}`));
  });
}

describe("a real server process survives hostile joins and messages", function () {
  this.timeout(60_000);
  let server: ServerProcess;

  before(async () => {
    server = await spawnServer({ ADMIN_PASSWORD: "crash-test-password" });
    await server.line((l) => l.msg === "listening", "listening");
  });
  after(async () => {
    server.child.kill("SIGKILL");
    await server.exited;
  });

  async function stillAnswers(after: string): Promise<void> {
    const health = await fetch(`http://127.0.0.1:${server.port}/health`).catch((error: Error) => assert.fail(`no answer after ${after}: ${error.message}`));
    assert.equal(health.status, 200, after);
    assert.equal(server.child.exitCode, null, `the process exited after ${after}`);
  }

  for (const roomName of Object.values(RoomName)) {
    it(`${roomName}: join options that are not an object are refused, and a message after them stops nothing`, async () => {
      const client = new Client(`ws://127.0.0.1:${server.port}`);
      for (const options of ["x", 5, true]) {
        const what = `joinOrCreate("${roomName}", ${JSON.stringify(options)})`;
        const joined = await joinUnchecked(client, roomName, options).catch((error: { code: number }) => error);
        if ("code" in joined) {
          assert.equal(joined.code, JOIN_INVALID_OPTIONS, what);
        } else {
          // Let in: the message that once killed the process.
          const [type, payload] = MESSAGE[roomName];
          const answer = answeredOrClosed(joined);
          joined.send(type, payload);
          await answer;
          await joined.leave().catch(() => {});
        }
        await stillAnswers(what);
      }
    });
  }

  it("lobby: hostile filters are refused, then rate-limited, and the process goes on", async () => {
    const client = new Client(`ws://127.0.0.1:${server.port}`);
    const lobby = hearAll(await sdkOf(client).joinOrCreate(RoomName.lobby, {}));
    const errors = collect(lobby, ServerMessage.error);
    const filters = ["x", 5, null, [], { name: 5 }, { name: "battle", metadata: "x" }, { name: "battle", metadata: { a: { b: 1 } } }];
    for (const filter of filters) sendUnchecked(lobby, ClientMessage.filter, filter);
    await eventually(() => errors.some((e) => e.code === RefusalCode.rateLimited), "the filters to be rate-limited");
    assert.deepEqual(errors.map((e) => e.code), [...Array(RATE_LIMITS.filter.burst).fill(RefusalCode.invalidPayload), RefusalCode.rateLimited]);
    await stillAnswers("hostile filters");
    await lobby.leave();
  });
});

/**
 * The client's transport choice (client/transport.ts) without a network, and the colyseus.js patch
 * point it relies on: these fail when colyseus.js changes the code the patch sits in.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Room } from "colyseus.js";
import { FallbackClient, FallbackTransport, TransportChoice } from "../../client/transport";
import { controlText, fallbackPath, joinPathOf, parseControl } from "../../server/shared/fallback";
import { silentWebSocket } from "../helpers/noUpgradeProxy";
import { ROOT } from "../helpers/paths";

const COLYSEUS_JS = join(ROOT, "node_modules", "colyseus.js");
const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** What the patch point was written against (colyseus.js 0.16.22). */
const PINNED = {
  version: "0.16.22",
  roomConnect: "b465ba45d0f99d6c5ee58a0960b8f4bf00693dac935c272298437f4a17dfd41a",
  files: {
    "build/esm/Connection.mjs": "2cdf15e1b2ffeba839d539116e80683f4d63e54b93631011dae6da8d6c00cebc",
    "build/cjs/Connection.js": "cf3a9320472b8192280bbefb550b7acd26079f963bf51d8339d6e2784bbac321",
    "build/esm/transport/WebSocketTransport.mjs": "9e8a19b2e0672aa2dcb781b61265f3e671f206f29c0f5fee6b5fb2fd7cfbf0f1",
  } as Record<string, string>,
};

const memory = () => {
  const kept = new Map<string, string>();
  return { getItem: (key: string) => kept.get(key) ?? null, setItem: (key: string, value: string) => void kept.set(key, value) };
};

describe("client transport: the colyseus.js patch point", () => {
  it("runs against the pinned colyseus.js, exactly", () => {
    const installed = JSON.parse(readFileSync(join(COLYSEUS_JS, "package.json"), "utf8")) as { version: string };
    const declared = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    assert.equal(installed.version, PINNED.version);
    assert.equal(declared.devDependencies["colyseus.js"], PINNED.version, "pinned without a range");
  });

  it("finds Room.prototype.connect and Connection as the patch was written for (assign room.connection, then connect)", () => {
    const source = Room.prototype.connect.toString();
    const made = source.indexOf("new Connection");
    const assigned = source.indexOf("room.connection = connection");
    const connected = source.indexOf("connection.connect(");
    assert.ok(made >= 0 && made < assigned && assigned < connected, "the transport can be swapped between assignment and connect");
    assert.equal(sha256(source), PINNED.roomConnect, "Room.prototype.connect changed: re-read the patch point in client/transport.ts");
    for (const [file, hash] of Object.entries(PINNED.files)) {
      assert.equal(sha256(readFileSync(join(COLYSEUS_JS, file))), hash, `${file} changed: re-read the patch point in client/transport.ts`);
    }
  });

  it("gives every room of a FallbackClient our transport, which opens the WebSocket first", () => {
    const urls: string[] = [];
    const choice = new TransportChoice(memory(), silentWebSocket(urls), 60_000);
    const client = new FallbackClient("http://127.0.0.1:1", choice);
    const room = (client as unknown as { createRoom(name: string): Room }).createRoom("battle");
    room.connect("ws://127.0.0.1:1/proc/room?sessionId=s", undefined, room, {}, {});
    const connection = (room as unknown as { connection: { transport: unknown } }).connection;
    assert.ok(connection.transport instanceof FallbackTransport);
    assert.deepEqual(urls, ["ws://127.0.0.1:1/proc/room?sessionId=s"]);
    connection.transport instanceof FallbackTransport && connection.transport.close();
  });
});

describe("client transport: the fallback wire", () => {
  it("maps a WebSocket join path to the fallback's path and back", () => {
    assert.equal(fallbackPath("/proc/room"), "/eio/proc/room/");
    assert.equal(fallbackPath("/p2567/proc/room"), "/p2567/eio/proc/room/", "behind a proxy's per-process prefix");
    assert.equal(joinPathOf("/eio/proc/room/?EIO=4&transport=polling"), "/proc/room");
    assert.equal(joinPathOf("/eio/proc/room/extra/"), undefined);
    assert.equal(joinPathOf("/matchmake/joinOrCreate/battle"), undefined);
  });

  it("parses its control packets and nothing else", () => {
    assert.deepEqual(parseControl(controlText({ kind: "close", code: 4002, reason: "malformed" })), { kind: "close", code: 4002, reason: "malformed" });
    assert.deepEqual(parseControl("ping 0a1b"), { kind: "ping", nonce: "0a1b" });
    assert.equal(parseControl("close 99"), undefined, "not a close code");
    assert.equal(parseControl("pong <script>"), undefined);
    assert.equal(parseControl("hello"), undefined);
  });

  it("remembers a fallback for the session, so the next join skips the wait", () => {
    const storage = memory();
    assert.equal(new TransportChoice(storage).remembered, false);
    new TransportChoice(storage).rememberFallback();
    assert.equal(new TransportChoice(storage).remembered, true);
  });
});

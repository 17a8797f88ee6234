/**
 * The wire guard without a server: which frames pass before any decoding (the protocol as colyseus.js
 * and plain msgpack clients send it) and which close the connection, how long a refusal takes, the
 * worst decode cost per byte of an accepted frame, the per-connection budget, and the Colyseus
 * internals the pre-check stands in front of (a version bump that changes them fails here).
 */
import { Packr, pack, unpack } from "@colyseus/msgpackr";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_WIRE_BUDGET } from "../../server/config/serverLimits";
import { ClientFrameCode, frameProblem, Scan } from "../../server/security/msgpackCheck";
import { WireGuard } from "../../server/security/wireGuard";
import { CLOSE_BAD_FRAME, CLOSE_RATE_LIMITED, MAX_MESSAGE_BYTES, MSGPACK_MAX_DEPTH } from "../../server/shared/protocol";
import { ROOT } from "../helpers/paths";

/** colyseus.js packs with msgpackr's records (every object a record definition, then its values). */
const recordPackr = new Packr();
/** `[ROOM_DATA, fixstr type, payload]`; `body` as given (raw bytes) or packed like colyseus.js. */
function frame(type: string, body?: Uint8Array): Uint8Array {
  const typeBytes = Buffer.from(type);
  return Buffer.concat([Buffer.from([ClientFrameCode.ROOM_DATA, 0xa0 + typeBytes.length]), typeBytes, body ?? Buffer.alloc(0)]);
}
const asColyseusJs = (type: string, payload: unknown) => frame(type, recordPackr.pack(payload));
const asPlainMsgpack = (type: string, payload: unknown) => frame(type, pack(payload));
const hex = (text: string) => Buffer.from(text.replace(/\s/g, ""), "hex");

/** Nanoseconds one call of `fn` takes, median of `runs`. */
function medianNs(fn: () => void, runs = 500): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const PROTOCOL_PAYLOADS: [string, unknown][] = [
  ["move", { dx: 0.6, dy: -1, seq: 4_294_967_295 }],
  ["attack", {}],
  ["attack", { tick: 1234 }],
  ["chat", { text: "hello 👋🏽 نام Ünïcode ".repeat(20) }],
  ["resume", { since: 1_733_600_000_000_123 }],
  ["filter", { name: "battle", metadata: { map: "arena", visibility: "public", n: 3, open: true } }],
  ["move", { dx: 0, dy: 1, seq: 1, extra: undefined }],
  ["chat", { text: "x".repeat(MAX_MESSAGE_BYTES - 40) }],
];

/** Each hostile shape, and what the guard says of it. */
const BAD_SHAPES: [string, Uint8Array, RegExp][] = [
  ["an empty frame", new Uint8Array(0), /empty/],
  ["a code clients do not send (0)", Uint8Array.of(0, 1, 2), /code 0/],
  ["ROOM_STATE_PATCH from a client (15)", Uint8Array.of(15, 0xff), /code 15/],
  ["a JOIN_ROOM with bytes after it", Uint8Array.of(ClientFrameCode.JOIN_ROOM, 0), /one-byte code/],
  ["a nil message type", Uint8Array.of(ClientFrameCode.ROOM_DATA, 0xc0), /neither a string nor a number/],
  ["a message type cut short", Uint8Array.of(ClientFrameCode.ROOM_DATA, 0xd9, 0x40, 0x61), /neither a string nor a number/],
  ["BigInt (ext 0x42) of 4 KB", frame("move", Buffer.concat([hex("c8 0f f0 42"), Buffer.alloc(0x0ff0, 0x7f)])), /type 0xc8/],
  ["BigInt (fixext 16, 0x42)", frame("move", Buffer.concat([hex("d8 42"), Buffer.alloc(16, 0xff)])), /type 0xd8/],
  ["RegExp (fixext 1, 0x78)", frame("move", hex("d4 78 00 92 a3 28 61 2b a0")), /extension type 0x78/],
  ["Error (fixext 1, 0x65)", frame("move", hex("d4 65 00 93 a5 45 72 72 6f 72 a1 78 c0")), /extension type 0x65/],
  ["a Set (fixext 1, 0x73)", frame("move", hex("d4 73 00 91 01")), /extension type 0x73/],
  ["a typed array (ext 8, 0x74)", frame("move", Buffer.concat([hex("c7 09 74 08"), Buffer.alloc(8)])), /type 0xc7/],
  ["a Date (fixext 4, -1)", frame("move", hex("d6 ff 00 00 00 01")), /type 0xd6/],
  ["a structured clone id (fixext 4, 0x69)", frame("move", hex("d6 69 00 00 00 01 80")), /type 0xd6/],
  ["bundled strings (fixext 4, 0x62)", frame("move", hex("d6 62 00 00 00 10")), /type 0xd6/],
  ["a two-byte record id (fixext 2, 0x72)", frame("move", hex("d5 72 40 01 91 a1 61 01")), /type 0xd5/],
  ["binary data (bin 8)", frame("move", hex("c4 02 00 00")), /type 0xc4/],
  ["the never-used byte 0xc1", frame("move", hex("c1")), /type 0xc1/],
  [`arrays nested ${MSGPACK_MAX_DEPTH + 1} deep`, frame("move", Buffer.alloc(MSGPACK_MAX_DEPTH + 1, 0x91)), /nested deeper/],
  ["arrays nested 4000 deep", frame("move", Buffer.alloc(4000, 0x91)), /nested deeper/],
  ["maps nested 2000 deep", frame("move", Buffer.concat(Array.from({ length: 2000 }, () => hex("81 a1 61")))), /nested deeper/],
  ["an array32 claiming 4 billion items", frame("move", hex("dd ff ff ff ff 01")), /count larger/],
  ["a map16 claiming more entries than bytes", frame("move", hex("de ff ff a1 61 01")), /count larger/],
  ["a map with an array as a key", frame("move", hex("81 91 01 01")), /not a string/],
  ["a record read four times", frame("move", hex("94 d4 72 40 91 a1 61 01 40 02 40 03 40 04")), /record read more/],
  ["a string running past the end", frame("chat", hex("81 a4 74 65 78 74 da 10 00 61")), /cut short/],
  ["bytes after the payload", frame("move", hex("80 80")), /bytes after/],
];

describe("wire guard: frames before any decoding", () => {
  it("passes every client message of the protocol as colyseus.js and plain msgpack clients send them, and msgpackr decodes them as sent", () => {
    for (const [type, payload] of PROTOCOL_PAYLOADS) {
      for (const encoded of [asColyseusJs(type, payload), asPlainMsgpack(type, payload)]) {
        assert.equal(frameProblem(encoded), undefined, `${type} ${JSON.stringify(payload).slice(0, 60)}`);
        assert.deepEqual(unpack(encoded.subarray(2 + type.length)), payload);
      }
    }
    assert.equal(frameProblem(frame("chatTicket")), undefined, "no payload");
    assert.equal(frameProblem(Uint8Array.of(ClientFrameCode.ROOM_DATA, 0x07, 0x80)), undefined, "a numeric type");
    assert.equal(frameProblem(Uint8Array.of(ClientFrameCode.JOIN_ROOM)), undefined);
    assert.equal(frameProblem(Uint8Array.of(ClientFrameCode.LEAVE_ROOM)), undefined);
    assert.equal(frameProblem(Uint8Array.of(ClientFrameCode.ROOM_DATA_BYTES, 0xa1, 0x61, 1, 2, 3)), undefined);
  });

  it("refuses each hostile shape with its reason, each in under 50 µs, where msgpackr takes up to milliseconds", () => {
    const rows: string[] = [];
    for (const [what, bytes, reason] of BAD_SHAPES) {
      assert.match(frameProblem(bytes) ?? "passed", reason, what);
      const ns = medianNs(() => frameProblem(bytes));
      rows.push(`${what}: ${(ns / 1000).toFixed(1)} µs (${bytes.length} B)`);
      assert.ok(ns < 50_000, `${what} took ${ns} ns`);
    }
    // What the refused BigInt would have cost msgpackr (quadratic: ~ms per 4 KB).
    const bigInt = Buffer.concat([hex("c8 0f f0 42"), Buffer.alloc(0x0ff0, 0x7f)]);
    const bigIntNs = medianNs(() => unpack(bigInt), 20);
    rows.push(`(msgpackr decoding the 4 KB BigInt: ${(bigIntNs / 1000).toFixed(0)} µs)`);
    if (process.env.WIRE_FIGURES === "1") console.log(rows.join("\n"));
  });

  it("bounds the decode cost of an accepted frame to well under a microsecond per byte, however it is shaped", () => {
    const fill = (unit: Buffer, head: Buffer, count: number) => frame("move", Buffer.concat([head, ...Array.from({ length: count }, () => unit)]));
    const room = MAX_MESSAGE_BYTES - 16;
    const shapes: [string, Uint8Array][] = [
      ["4000 fixints in an array16", fill(hex("01"), hex("dc 0f a0"), 4000)],
      ["2000 one-letter keys in a map16", frame("move", Buffer.concat([hex("de 07 d0"), ...Array.from({ length: 2000 }, (_, i) => Buffer.from([0xa1, 0x41 + (i % 58), 0xc0]))]))],
      ["1300 one-letter strings", fill(hex("a1 61"), hex("dc 05 14"), 1300)],
      ["1000 float64s", fill(hex("cb 3f f0 00 00 00 00 00 00"), hex("dc 01 c2"), 450)],
      ["arrays 4 deep, 8 wide", frame("move", Buffer.concat([hex("98"), ...Array.from({ length: 8 }, () => Buffer.concat([hex("98"), ...Array.from({ length: 8 }, () => Buffer.concat([hex("98"), ...Array.from({ length: 8 }, () => hex("98 01 01 01 01 01 01 01 01"))]))]))]))],
      ["record definitions each read 3 times", frame("move", Buffer.concat([hex("dc 00 c0"), ...Array.from({ length: 64 }, (_, i) => Buffer.from([0xd4, 0x72, 0x40 + (i % 64), 0x91, 0xa1, 0x61, 0x01, 0x40 + (i % 64), 0x02, 0x40 + (i % 64), 0x03]))]))],
      ["one 4 KB string", asColyseusJs("chat", { text: "é".repeat(room / 2 - 10) })],
    ];
    const rows: string[] = [];
    let worst = 0;
    for (const [what, bytes] of shapes) {
      const problem = frameProblem(bytes);
      if (problem !== undefined) continue; // a shape the cut at `room` broke: not an accepted frame
      const body = bytes.subarray(6);
      const ns = medianNs(() => {
        frameProblem(bytes);
        try {
          unpack(body);
        } catch {
          // a count cut short by the fill: still a decode's worth of work
        }
      }, 200);
      const perByte = ns / bytes.length;
      worst = Math.max(worst, perByte);
      rows.push(`${what}: ${(ns / 1000).toFixed(0)} µs for ${bytes.length} B = ${perByte.toFixed(0)} ns/B`);
    }
    if (process.env.WIRE_FIGURES === "1") console.log(rows.join("\n"));
    assert.ok(rows.length >= 5, `most shapes were accepted: ${rows.join("; ")}`);
    // Measured 2026-12-07 on the 2-core machine: the worst shape (records) costs about 50 ns per byte, 0.2 ms per 4 KB frame (docs/security.md).
    assert.ok(worst < 500, `worst ${worst.toFixed(0)} ns/B: ${rows.join("; ")}`);
  });
});

describe("wire guard: one scanner per connection", () => {
  it("gives every message the verdict a fresh scan gives, and forgets the records a message before defined", () => {
    const scan = new Scan();
    const withRecord = asColyseusJs("move", { seq: 1, dx: 1, dy: 0 });
    // 0x40 is the number 64, unless a record with id 0x40 is defined in the same message.
    const sixtyFour = frame("move", Uint8Array.of(0x40));
    const sequence = [withRecord, sixtyFour, frame("move", hex("c1")), withRecord, frame("move", hex("92 01")), sixtyFour, asPlainMsgpack("chat", { text: "hi" })];
    for (const message of sequence) assert.equal(frameProblem(message, scan), frameProblem(message), Buffer.from(message).toString("hex"));
    frameProblem(withRecord, scan);
    assert.equal(frameProblem(sixtyFour, scan), undefined, "no record of an earlier message is known");
  });
});

describe("wire guard: the per-connection budget", () => {
  it("charges frames and bytes and cuts a flood off with CLOSE_RATE_LIMITED, a bad frame with CLOSE_BAD_FRAME, and stays refused", () => {
    let now = 0;
    const guard = new WireGuard(DEFAULT_WIRE_BUDGET, () => now);
    const move = asColyseusJs("move", { dx: 1, dy: 0, seq: 1 });
    // An honest player for ten seconds: a move per tick, a pong every 3 s, a chat line a second.
    for (let tick = 0; tick < 200; tick++, now += 50) {
      assert.deepEqual(guard.chargeBytes(move.length + 6), { ok: true });
      assert.deepEqual(guard.admit(move), { ok: true });
      if (tick % 60 === 0) assert.deepEqual(guard.chargeFrame(), { ok: true });
    }
    let frames = 0;
    while (guard.admit(move).ok) frames++;
    assert.ok(frames >= DEFAULT_WIRE_BUDGET.frameBurst - 1 && frames <= DEFAULT_WIRE_BUDGET.frameBurst, `${frames} frames at once`);
    assert.equal((guard.refused as { close: number }).close, CLOSE_RATE_LIMITED);
    assert.equal(guard.chargeBytes(1).ok, false, "refused for good");

    const bytes = new WireGuard(DEFAULT_WIRE_BUDGET, () => now);
    assert.equal(bytes.chargeBytes(DEFAULT_WIRE_BUDGET.byteBurst).ok, true);
    now += 1000;
    assert.equal(bytes.chargeBytes(DEFAULT_WIRE_BUDGET.bytesPerSecond).ok, true);
    assert.deepEqual(bytes.chargeBytes(1), { ok: false, refusal: "flood", close: CLOSE_RATE_LIMITED, detail: "over the byte budget" });

    const shape = new WireGuard(DEFAULT_WIRE_BUDGET, () => now);
    const verdict = shape.admit(new Uint8Array(0));
    assert.deepEqual(verdict, { ok: false, refusal: "malformed", close: CLOSE_BAD_FRAME, detail: "an empty frame" });
  });
});

describe("wire guard: what it stands in front of (pinned upstream)", () => {
  const versionOf = (name: string) => (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

  it("guards @colyseus/core 0.16.26, which decodes ROOM_DATA with msgpackr 1.11.3 after the type and drops unknown codes silently", () => {
    // A new version must be read again: where it decodes, with what, and which codes it takes.
    assert.equal(versionOf("@colyseus/core"), "0.16.26");
    assert.equal(versionOf("@colyseus/msgpackr"), "1.11.3");
    assert.equal(versionOf("@colyseus/ws-transport"), "0.16.5");
    assert.equal(versionOf("ws"), "8.23.0");
    // From the file, not the live prototype: @colyseus/testing wraps Room.prototype._onMessage once loaded.
    const source = readFileSync(join(ROOT, "node_modules", "@colyseus", "core", "build", "Room.js"), "utf8");
    const method = (name: string) => {
      const start = source.search(new RegExp(`\\n  (async )?(${name}|\\["${name}"\\])\\(`));
      assert.ok(start >= 0, `Room.${name} is where it was`);
      const end = source.indexOf("\n  }\n", start);
      return source.slice(start + 1, end + 4).trim();
    };
    const onMessage = method("_onMessage");
    assert.match(onMessage, /unpack\)\(buffer\.subarray\(it\.offset, buffer\.byteLength\)\)/, "ROOM_DATA is unpacked right after the type");
    for (const name of Object.keys(ClientFrameCode)) assert.ok(onMessage.includes(`Protocol.${name})`) || onMessage.includes(`Protocol.${name} &&`), `${name} handled`);
    assert.match(onMessage, /Protocol\.LEAVE_ROOM\) \{\s*this\._forciblyCloseClient\(client, [^;]*;\s*\}\s*\}$/, "no branch for any other code: dropped silently (the guard closes it)");
    const onJoin = method("_onJoin");
    assert.match(onJoin, /client\.ref\.on\("message", this\._onMessage\.bind\(this, client\)\)/, "frames come to the room as the socket's message events");
    // msgpackr 1.11.3 still decodes the extensions refused here: a BigInt costs quadratic time.
    assert.equal(typeof unpack(hex("d8 42 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01")), "bigint");
    assert.ok(unpack(hex("d4 78 00 92 a1 61 a0")) instanceof RegExp);
  });
});

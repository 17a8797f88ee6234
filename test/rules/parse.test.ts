import assert from "node:assert/strict";
import {
  cleanText,
  parseAttack,
  parseBattleOptions,
  parseChat,
  parseChatOptions,
  parseMove,
  parseName,
  visibleLength,
} from "../../server/shared/parse";
import {
  BATTLE_DEFAULT_MAX_PLAYERS,
  CHAT_TEXT_MAX_CHARS,
  MAX_SEQ,
  NAME_MAX_CHARS,
  RefusalCode,
} from "../../server/shared/protocol";

describe("parsing: move", () => {
  it("accepts a direction in [-1, 1] with a positive integer seq, as a fresh object", () => {
    const input = { dx: 1, dy: -0.5, seq: 7 };
    const parsed = parseMove(input);
    assert.deepEqual(parsed, { ok: true, value: { dx: 1, dy: -0.5, seq: 7 } });
    assert.ok(parsed.ok && parsed.value !== input);
  });

  it("turns -0 into 0", () => {
    const parsed = parseMove({ dx: -0, dy: 0, seq: 1 });
    assert.ok(parsed.ok && Object.is(parsed.value.dx, 0));
  });

  const bad: [string, unknown][] = [
    ["no payload", undefined],
    ["null", null],
    ["a number", 5],
    ["a string", "up"],
    ["an array", [1, 0, 1]],
    ["a missing seq", { dx: 1, dy: 0 }],
    ["a missing dx", { dy: 0, seq: 1 }],
    ["an extra field", { dx: 1, dy: 0, seq: 1, x: 500 }],
    ["NaN", { dx: NaN, dy: 0, seq: 1 }],
    ["Infinity", { dx: 0, dy: Infinity, seq: 1 }],
    ["dx above 1", { dx: 1.01, dy: 0, seq: 1 }],
    ["dy below -1", { dx: 0, dy: -2, seq: 1 }],
    ["a string direction", { dx: "1", dy: 0, seq: 1 }],
    ["seq 0", { dx: 0, dy: 0, seq: 0 }],
    ["a fractional seq", { dx: 0, dy: 0, seq: 1.5 }],
    ["a seq past uint32", { dx: 0, dy: 0, seq: MAX_SEQ + 1 }],
    ["a boolean seq", { dx: 0, dy: 0, seq: true }],
    ["an object with a prototype", Object.assign(Object.create({ evil: 1 }), { dx: 0, dy: 0, seq: 1 })],
  ];
  for (const [what, input] of bad) {
    it(`refuses ${what}`, () => {
      const parsed = parseMove(input);
      assert.equal(parsed.ok, false);
      assert.ok(!parsed.ok && parsed.code === RefusalCode.invalidPayload && parsed.message.length > 0);
    });
  }
});

describe("parsing: attack", () => {
  it("accepts no payload or {}", () => {
    assert.equal(parseAttack(undefined).ok, true);
    assert.equal(parseAttack({}).ok, true);
  });
  it("refuses fields and non-objects", () => {
    assert.equal(parseAttack({ target: "x" }).ok, false);
    assert.equal(parseAttack(1).ok, false);
    assert.equal(parseAttack(null).ok, false);
  });
});

describe("parsing: names", () => {
  it("trims, folds white space and removes invisible characters", () => {
    assert.deepEqual(parseName("  Ann   Lee "), { ok: true, value: "Ann Lee" });
    assert.deepEqual(parseName("Ev\u200Be\u202E"), { ok: true, value: "Eve" });
    assert.deepEqual(parseName("a\u0000b"), { ok: true, value: "ab" });
  });

  it("counts visible characters, so emoji and CJK names fit", () => {
    assert.equal(visibleLength("👩‍👩‍👧‍👦"), 1);
    assert.equal(parseName("👩‍👩‍👧‍👦".repeat(NAME_MAX_CHARS)).ok, true);
    assert.equal(parseName("名".repeat(NAME_MAX_CHARS)).ok, true);
    assert.equal(parseName("名".repeat(NAME_MAX_CHARS + 1)).ok, false);
  });

  it("refuses empty, whitespace-only, invisible-only, too long and non-string names", () => {
    for (const input of ["", "   ", "\u200B\u202E", "x".repeat(NAME_MAX_CHARS + 1), 42, {}, null]) {
      assert.equal(parseName(input).ok, false, JSON.stringify(input));
    }
  });

  it("leaves a missing name for the server to generate", () => {
    assert.deepEqual(parseName(undefined), { ok: true, value: undefined });
  });
});

describe("parsing: join options", () => {
  it("battle: defaults the capacity and refuses unknown options and bad capacities", () => {
    assert.deepEqual(parseBattleOptions(undefined), { ok: true, value: { name: undefined, maxPlayers: BATTLE_DEFAULT_MAX_PLAYERS, private: false, bots: undefined } });
    assert.deepEqual(parseBattleOptions({ name: "Zed", maxPlayers: 500 }), { ok: true, value: { name: "Zed", maxPlayers: 500, private: false, bots: undefined } });
    assert.deepEqual(parseBattleOptions({ private: true }), { ok: true, value: { name: undefined, maxPlayers: BATTLE_DEFAULT_MAX_PLAYERS, private: true, bots: undefined } });
    for (const input of [{ admin: true }, { maxPlayers: 1 }, { maxPlayers: 1e9 }, { maxPlayers: 2.5 }, { maxPlayers: "10" }, { private: "yes" }, { private: 1 }, [], "x"]) {
      assert.equal(parseBattleOptions(input).ok, false, JSON.stringify(input));
    }
  });

  it("chat: needs a channel of a-z, 0-9, '-' and '_'", () => {
    assert.deepEqual(parseChatOptions({ channel: "general" }), { ok: true, value: { channel: "general", name: undefined, since: undefined, ticket: undefined } });
    assert.equal(parseChatOptions({ channel: "battle_x-1", name: "Al" }).ok, true);
    for (const input of [undefined, {}, { channel: "" }, { channel: "General" }, { channel: "a b" }, { channel: "-x" }, { channel: "x".repeat(33) }, { channel: 5 }, { channel: "ok", extra: 1 }]) {
      assert.equal(parseChatOptions(input).ok, false, JSON.stringify(input));
    }
  });
});

describe("parsing: chat", () => {
  it("trims text and keeps emoji, CJK and RTL intact", () => {
    assert.deepEqual(parseChat({ text: "  hello  " }), { ok: true, value: { text: "hello" } });
    const mixed = "héllo 世界 مرحبا 👍🏽";
    assert.deepEqual(parseChat({ text: mixed }), { ok: true, value: { text: mixed } });
  });

  it("refuses empty and over-long text with their own codes", () => {
    const empty = parseChat({ text: "   " });
    assert.ok(!empty.ok && empty.code === RefusalCode.textEmpty);
    assert.equal(parseChat({ text: "x".repeat(CHAT_TEXT_MAX_CHARS) }).ok, true);
    const long = parseChat({ text: "x".repeat(CHAT_TEXT_MAX_CHARS + 1) });
    assert.ok(!long.ok && long.code === RefusalCode.textTooLong);
    const huge = parseChat({ text: "x".repeat(1_000_000) });
    assert.ok(!huge.ok && huge.code === RefusalCode.textTooLong);
  });

  it("refuses wrong shapes", () => {
    for (const input of [undefined, "hi", { text: 5 }, { text: "hi", name: "admin" }, { message: "hi" }]) {
      const parsed = parseChat(input);
      assert.ok(!parsed.ok && parsed.code === RefusalCode.invalidPayload, JSON.stringify(input));
    }
  });

  it("cleanText strips controls but keeps joiners inside emoji", () => {
    assert.equal(cleanText("a\tb\nc"), "a b c");
    assert.equal(cleanText("👨‍💻"), "👨‍💻");
  });
});

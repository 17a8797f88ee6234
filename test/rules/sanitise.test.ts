import assert from "node:assert/strict";
import { nameKey, uniqueName } from "../../server/shared/names";
import { cleanText, parseChat, parseName, visibleLength } from "../../server/shared/parse";
import { COMBINING_MARKS_MAX_RUN, GRAPHEME_MAX_CODE_POINTS, JoinRefusal, NAME_MAX_CHARS, RefusalCode } from "../../server/shared/protocol";

describe("sanitising names and chat text", () => {
  const invisible: [string, string][] = [
    ["a lone high surrogate", "\uD800"],
    ["a lone low surrogate", "\uDC00"],
    ["the combining grapheme joiner", "\u034F"],
    ["Hangul fillers", "\u115F\u1160\u3164\uFFA0"],
    ["Khmer inherent vowels", "\u17B4\u17B5"],
    ["the Mongolian vowel separator", "\u180E"],
    ["the Braille blank", "\u2800"],
    ["interlinear annotation marks", "\uFFF9\uFFFA\uFFFB"],
    ["tag characters (hidden ASCII)", "\u{E0001}\u{E0068}\u{E0069}\u{E007F}"],
    ["supplementary variation selectors", "\u{E0100}\u{E01EF}"],
    ["bidi overrides and isolates", "\u202E\u2066\u2069"],
    ["zero-width space and word joiner", "\u200B\u2060"],
  ];
  for (const [what, chars] of invisible) {
    it(`removes ${what}, and a name of nothing else is refused`, () => {
      assert.equal(cleanText(`ab${chars}cd`), "abcd");
      const parsed = parseName(chars);
      assert.ok(!parsed.ok && /at least one visible character/.test(parsed.message));
    });
  }

  it("cuts stacks of combining marks (Zalgo) but keeps real accents and emoji", () => {
    const zalgo = "Z" + "\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307".repeat(4) + "ed";
    const cleaned = cleanText(zalgo);
    assert.equal(cleaned, "Z\u0300\u0301\u0302ed");
    assert.ok(cleaned.match(/\p{M}+/gu)!.every((run) => run.length <= COMBINING_MARKS_MAX_RUN));
    for (const keep of ["Việt Nam", "ộ", "1️⃣", "👨‍👩‍👧", "❤️", "नमस्ते", "مرحبا", "ﷺ"]) assert.equal(cleanText(keep), keep.normalize("NFC") === keep ? keep : keep);
    assert.deepEqual(parseName(zalgo), { ok: true, value: "Z\u0300\u0301\u0302ed" });
  });

  it("refuses whitespace-only names of every kind of space", () => {
    for (const blank of [" ", "\t\n", "\u00A0\u3000\u2028", "\u2003 \u200B \u202F"]) {
      assert.equal(parseName(blank).ok, false, JSON.stringify(blank));
    }
  });

  it("spoofing tricks cannot stretch a name past its limit or impersonate by direction", () => {
    const longWithInvisible = "A\u200B".repeat(NAME_MAX_CHARS + 1);
    const parsed = parseName(longWithInvisible);
    assert.ok(!parsed.ok && /at most 16/.test(parsed.message), "invisible characters do not hide length");
    const reversed = parseName("\u202Enimda");
    assert.deepEqual(reversed, { ok: true, value: "nimda" }, "the right-to-left override is gone, so it reads as sent");
    assert.equal(visibleLength(cleanText("e\u0301".repeat(NAME_MAX_CHARS))), NAME_MAX_CHARS);
  });

  it("applies the same cleaning to chat text", () => {
    assert.deepEqual(parseChat({ text: "hi\u{E0041}\u{E0042} \uD800there" }), { ok: true, value: { text: "hi there" } });
  });
});

describe("names that show nothing, smear or look alike", () => {
  const blanks: [string, string][] = [
    ["ZWJ", "\u200D"],
    ["ZWNJ", "\u200C"],
    ["U+206A", "\u206A"],
    ["a lone U+FE0F", "\uFE0F"],
    ["U+1D173", "\u{1D173}"],
    ["U+1BCA0", "\u{1BCA0}"],
    ["U+13430", "\u{13430}"],
    ["joiners and selectors mixed", "\u200D\u200C\uFE0F\u200D\uFE0E"],
    ["a combining mark on nothing", "\u0301\u200D\u0301"],
  ];
  for (const [what, chars] of blanks) {
    it(`refuses a name (and a chat line) of ${what} only`, () => {
      const parsed = parseName(chars);
      assert.ok(!parsed.ok && /at least one visible character/.test(parsed.message), JSON.stringify(parsed));
      assert.equal(parseChat({ text: chars }).ok, false);
    });
  }

  it("keeps names that are visible with joiners: emoji sequences, Persian, keycaps", () => {
    for (const keep of ["👨‍👩‍👧", "می‌خواهم", "1️⃣", "❤️"]) assert.deepEqual(parseName(keep), { ok: true, value: keep });
  });

  it("caps combining marks per base character even when joiners separate them", () => {
    const smear = ("a" + "\u0301\u200D".repeat(50)).repeat(7);
    const cleaned = cleanText(smear);
    for (const cluster of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(cleaned)) {
      assert.ok((cluster.segment.match(/\p{M}/gu) ?? []).length <= COMBINING_MARKS_MAX_RUN, JSON.stringify(cluster.segment));
    }
    assert.equal(visibleLength(cleaned), 7);
    assert.ok(cleaned.length <= 7 * (1 + 2 * COMBINING_MARKS_MAX_RUN), `${cleaned.length} code units left`);
    // Real text keeps its marks: Vietnamese stacks two on one letter.
    assert.equal(cleanText("Việt"), "Việt");
  });

  it("folds names so that look-alikes share a key, and makes a newcomer's name distinct", () => {
    for (const alike of ["Alice\u200D", "ALICE", "Ａｌｉｃｅ", "Al\u00ADice", "A\uFE0Flice"]) assert.equal(nameKey(alike), nameKey("Alice"), JSON.stringify(alike));
    assert.notEqual(nameKey("Alicé"), nameKey("Alice"));
    const taken = new Set([nameKey("Alice"), nameKey("Alice 2")]);
    assert.equal(uniqueName("alice\u200D", taken), "alice\u200D 3");
    assert.equal(uniqueName("Bob", taken), "Bob");
  });

  it(`refuses a name or line with one character of more than GRAPHEME_MAX_CODE_POINTS (${GRAPHEME_MAX_CODE_POINTS}) code points, and keeps the longest emoji in use`, () => {
    const chain = (n: number) => Array(n).fill("\u{1F600}").join("\u200D");
    for (const n of [6, 81, 271]) {
      assert.equal(visibleLength(chain(n)), 1, `${n} emoji joined by ZWJ are one cluster`);
      const name = parseName(chain(n).slice(0, NAME_MAX_CHARS * 16));
      assert.ok(!name.ok && name.joinCode === JoinRefusal.nameTooLong, `name of ${n} joined emoji`);
      const line = parseChat({ text: "hi " + chain(n) });
      assert.ok(!line.ok && line.code === RefusalCode.textTooLong, `line with ${n} joined emoji`);
    }
    // A couple kissing with two skin tones (10 code points) and a family (7): real emoji, kept.
    for (const emoji of ["\u{1F469}\u{1F3FB}\u200D\u2764\uFE0F\u200D\u{1F48B}\u200D\u{1F468}\u{1F3FC}", "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}"]) {
      assert.ok([...emoji].length <= GRAPHEME_MAX_CODE_POINTS);
      assert.deepEqual(parseName(`Al ${emoji}`), { ok: true, value: `Al ${emoji}` });
      assert.deepEqual(parseChat({ text: `hi ${emoji}` }), { ok: true, value: { text: `hi ${emoji}` } });
    }
  });
});

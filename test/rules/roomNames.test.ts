/** Friendly room names (server/shared/roomNames.ts), without a server. */
import assert from "node:assert/strict";
import { ROOM_NAME_COUNT, ROOM_NAME_LANGUAGES, readRoomNameParts, roomName, roomNameOf, roomNameParts, roomNameWords } from "../../server/shared/roomNames";

/** Ids shaped like Colyseus's (9 characters of [A-Za-z0-9_-]), from a fixed sequence. */
function sampleIds(count: number): string[] {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  let seed = 12345;
  // The LCG's high bits: its low bits repeat with a short period.
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % alphabet.length;
  return Array.from({ length: count }, () => Array.from({ length: 9 }, () => alphabet[next()]).join(""));
}

describe("room names", () => {
  it("gives a room id the same name every time, in each language's word order", () => {
    assert.equal(roomName("fzXM4EXIh", "en"), roomName("fzXM4EXIh", "en"));
    const { modifier, noun } = roomNameParts("fzXM4EXIh");
    const en = roomNameWords("en");
    const es = roomNameWords("es");
    const ja = roomNameWords("ja");
    assert.equal(roomName("fzXM4EXIh", "en"), `${en.modifiers[modifier]} ${en.nouns[noun]}`);
    assert.equal(roomName("fzXM4EXIh", "es"), `${es.nouns[noun]} ${es.modifiers[modifier]}`);
    assert.equal(roomName("fzXM4EXIh", "ja"), `${ja.modifiers[modifier]}${ja.nouns[noun]}`);
  });

  it("words the parts a server published as it words the id, and reads only parts inside the lists", () => {
    const parts = roomNameParts("fzXM4EXIh");
    for (const language of ROOM_NAME_LANGUAGES) assert.equal(roomNameOf(parts, language), roomName("fzXM4EXIh", language));
    assert.deepEqual(readRoomNameParts(parts.modifier, parts.noun), parts);
    const { modifiers, nouns } = roomNameWords("en");
    assert.deepEqual(readRoomNameParts(modifiers.length - 1, nouns.length - 1), { modifier: modifiers.length - 1, noun: nouns.length - 1 });
    for (const [modifier, noun] of [[-1, 0], [modifiers.length, 0], [0, nouns.length], [0.5, 0], ["1", 0], [undefined, 0], [0, null], [NaN, 0]]) {
      assert.equal(readRoomNameParts(modifier, noun), undefined, `${String(modifier)}, ${String(noun)}`);
    }
  });

  it("keeps the word lists parallel, non-empty and free of repeats in every language", () => {
    const { modifiers, nouns } = roomNameWords("en");
    for (const language of ROOM_NAME_LANGUAGES) {
      const words = roomNameWords(language);
      assert.equal(words.modifiers.length, modifiers.length, `${language} modifiers`);
      assert.equal(words.nouns.length, nouns.length, `${language} nouns`);
      for (const list of [words.modifiers, words.nouns]) {
        assert.equal(new Set(list).size, list.length, `${language}: a word appears twice`);
        for (const word of list) assert.ok(word.trim() === word && word.length > 0, `${language}: "${word}"`);
      }
    }
    assert.equal(ROOM_NAME_COUNT, modifiers.length * nouns.length);
  });

  it("spreads ids over every word, so few open rooms share a name", () => {
    const ids = sampleIds(20_000);
    const parts = ids.map(roomNameParts);
    const { modifiers, nouns } = roomNameWords("en");
    assert.equal(new Set(parts.map((p) => p.modifier)).size, modifiers.length);
    assert.equal(new Set(parts.map((p) => p.noun)).size, nouns.length);
    // 20 open rooms: a shared name is a birthday collision among ROOM_NAME_COUNT names (~17 %).
    let shared = 0;
    const groups = 1000;
    for (let g = 0; g < groups; g++) {
      const names = ids.slice(g * 20, g * 20 + 20).map((id) => roomName(id, "en"));
      if (new Set(names).size < names.length) shared++;
    }
    assert.ok(shared / groups < 0.25, `${shared} of ${groups} groups of 20 rooms share a name`);
  });
});

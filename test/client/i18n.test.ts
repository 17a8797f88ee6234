/** The client's catalogs and language choice, without a browser. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATALOGS, fill, localeFor, pickLanguage, refusalText, t, useLanguage } from "../../client/i18n";
import { RefusalCode, AuthRefusal, JoinRefusal } from "../../server/shared/protocol";
import { lineWords } from "../../client/chat";
import { shownName } from "../../client/hud";
import { describeJoinError } from "../../client/net";
import { ROOT } from "../helpers/paths";

describe("client languages", () => {
  afterEach(() => useLanguage("en", []));

  it("has the same keys, each a non-empty string with the same {slots}, in every catalog", () => {
    const keys = Object.keys(CATALOGS.en).sort();
    const slots = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      assert.deepEqual(Object.keys(catalog).sort(), keys, `${language} keys`);
      for (const key of keys) {
        const text = (catalog as Record<string, string>)[key];
        assert.ok(text.trim().length > 0, `${language} ${key} is empty`);
        assert.deepEqual(slots(text), slots((CATALOGS.en as Record<string, string>)[key]), `${language} ${key} slots`);
      }
    }
  });

  it("has words for every refusal code and every sign-in refusal code", () => {
    for (const code of Object.values(RefusalCode)) assert.ok(Object.hasOwn(CATALOGS.en, `refusal.${code}`), code);
    for (const code of Object.values(AuthRefusal)) assert.ok(Object.hasOwn(CATALOGS.en, `auth.${code}`), String(code));
  });

  it("picks the saved choice, else the first preferred language it has, else English", () => {
    assert.equal(pickLanguage(["fr-FR", "es-MX", "ja"], null), "es");
    assert.equal(pickLanguage(["ja-JP"], null), "ja");
    assert.equal(pickLanguage(["fr-FR", "de"], null), "en");
    assert.equal(pickLanguage([], null), "en");
    assert.equal(pickLanguage(["es"], "ja"), "ja");
    assert.equal(pickLanguage(["es"], "xx"), "es", "a saved value we do not have is ignored");
  });

  it("formats in the viewer's own regional locale when it is in the chosen language", () => {
    assert.equal(localeFor("en", ["en-GB", "es"]), "en-GB");
    assert.equal(localeFor("es", ["en-GB", "es-MX"]), "es-MX");
    assert.equal(localeFor("ja", ["en-GB"]), "ja");
    useLanguage("es", ["es-ES"]);
    assert.equal(fill("{n}", { n: 1234.5 }), "1234,5");
    useLanguage("en", ["en-US"]);
    assert.equal(fill("{n} and {missing}", { n: 1234.5 }), "1,234.5 and {missing}");
  });

  it("says a refusal from its code in the chosen language, and a code it does not know plainly", () => {
    useLanguage("es", []);
    assert.equal(refusalText(RefusalCode.cooldown), "el ataque se está recargando.");
    assert.equal(refusalText("brand_new"), "rechazado (brand_new).");
    useLanguage("ja", []);
    assert.equal(t("lobby.quickPlay"), "クイックプレイ");
  });

  it("words chat system lines, bots and every join refusal with a code of its own in Spanish and Japanese", () => {
    const system = (code: "joined" | "left") => lineWords({ id: 1, kind: "system", code, name: "Ann", sessionId: "", playerId: "", text: `Ann ${code}`, time: 0 }).text;
    const refusal = (code: number) => describeJoinError(Object.assign(new Error("English text"), { code }));
    const expected = {
      es: { joined: "Ann entró", left: "Ann salió", bot: "Ana (bot)", full: "Esa sala está llena.", tooLong: /como máximo 16 caracteres/ },
      ja: { joined: "Annが参加しました", left: "Annが退出しました", bot: "Ana（ボット）", full: "そのルームは満員です。", tooLong: /16文字以内/ },
    };
    for (const [language, words] of Object.entries(expected)) {
      useLanguage(language as "es" | "ja", []);
      assert.equal(system("joined"), words.joined);
      assert.equal(system("left"), words.left);
      assert.equal(shownName({ name: "Ana", bot: true }), words.bot);
      assert.equal(shownName({ name: "Ana", bot: false }), "Ana");
      assert.equal(refusal(JoinRefusal.roomFull), words.full);
      assert.match(refusal(JoinRefusal.nameTooLong), words.tooLong);
      for (const code of Object.values(JoinRefusal)) {
        const shown = refusal(code);
        assert.ok(!shown.includes("English text") && !shown.includes(String(code)), `${language} ${code}: ${shown}`);
        assert.notEqual(shown, (useLanguage("en", []), refusal(code)), `${language} ${code} translated`);
        useLanguage(language as "es" | "ja", []);
      }
    }
  });

  /**
   * Keys whose words are the same as English in a language, on purpose: loanwords ("Chat", "HP",
   * "ping"), symbols and numbers. Any other string equal to English is a translation left out.
   */
  const SAME_AS_ENGLISH: Record<string, readonly string[]> = {
    es: ["battle.chat", "chat.status", "effect.damage", "hud.ping", "hud.pingNone", "player.bot", "region.rtt", "score.outOfView"],
    ja: ["effect.damage", "hud.ping", "hud.pingNone", "region.rtt", "score.hp", "score.outOfView"],
  };

  it("walks every key of every catalog: a string equal to the English one is a word the language shares on purpose", () => {
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      if (language === "en") continue;
      const same = Object.keys(CATALOGS.en).filter((key) => (catalog as Record<string, string>)[key] === (CATALOGS.en as Record<string, string>)[key]);
      assert.deepEqual(same.sort(), [...(SAME_AS_ENGLISH[language] ?? [])].sort(), `${language}: untranslated keys`);
    }
  });

  it("abbreviates kills and deaths so that no language's letter means the other column in another language", () => {
    const kills = new Map(Object.entries(CATALOGS).map(([language, catalog]) => [language, catalog["score.kills"]]));
    const deaths = new Map(Object.entries(CATALOGS).map(([language, catalog]) => [language, catalog["score.deaths"]]));
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      assert.notEqual(catalog["score.kills"], catalog["score.deaths"], `${language}: kills and deaths look alike`);
      for (const [other, death] of deaths) assert.notEqual(catalog["score.kills"], death, `${language} kills read as ${other} deaths`);
      for (const [other, kill] of kills) assert.notEqual(catalog["score.deaths"], kill, `${language} deaths read as ${other} kills`);
    }
  });

  it("keeps every visible word of index.html in the catalogs: no text or label outside a data-i18n element, punctuation included", () => {
    const html = readFileSync(join(ROOT, "client", "index.html"), "utf8")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<(script|style|title)\b[\s\S]*?<\/\1>/g, "");
    // The words of data-i18n elements are replaced from the catalog when the page starts.
    const withoutTranslated = html.replace(/(<(\w+)\b[^>]*\sdata-i18n="[^"]+"[^>]*>)[^<]*(<\/\2>)/g, "$1$3");
    const loose = [...withoutTranslated.matchAll(/>([^<]*)</g)].map((m) => m[1].trim()).filter((text) => text !== "");
    assert.deepEqual(loose, [], "text in index.html that no catalog key replaces");
    for (const [, tag] of html.matchAll(/<(\w+\b[^>]*)>/g)) {
      for (const attribute of ["placeholder", "aria-label", "title"]) {
        const name = attribute === "aria-label" ? "label" : attribute;
        if (new RegExp(`\\s${attribute}="`).test(tag)) assert.match(tag, new RegExp(`data-i18n-${name}="`), `${attribute} without data-i18n-${name}: <${tag}>`);
      }
    }
  });

  it("keeps every word of the page in the catalogs: index.html's data-i18n keys all exist", () => {
    const html = readFileSync(join(ROOT, "client", "index.html"), "utf8");
    const keys = [...html.matchAll(/data-i18n(?:-\w+)?="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(keys.length > 20);
    for (const key of keys) assert.ok(Object.hasOwn(CATALOGS.en, key), key);
  });
});

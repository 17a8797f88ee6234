/** The client's catalogs and language choice, without a browser. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATALOGS, fill, localeFor, pickLanguage, refusalText, t, useLanguage } from "../../client/i18n";
import { RefusalCode, AuthRefusal } from "../../server/shared/protocol";
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

  it("keeps every word of the page in the catalogs: index.html's data-i18n keys all exist", () => {
    const html = readFileSync(join(ROOT, "client", "index.html"), "utf8");
    const keys = [...html.matchAll(/data-i18n(?:-\w+)?="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(keys.length > 20);
    for (const key of keys) assert.ok(Object.hasOwn(CATALOGS.en, key), key);
  });
});

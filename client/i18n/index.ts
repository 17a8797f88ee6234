/**
 * The client's words in the player's language: one catalog per language (en, es, ja), picked from
 * the saved choice or `navigator.languages`, English for anything missing. Numbers and times go
 * through Intl in the viewer's locale and own time zone.
 */
import { en, type Catalog, type MessageKey } from "./en";
import { es } from "./es";
import { ja } from "./ja";

export type { MessageKey } from "./en";

export const CATALOGS = { en, es, ja } satisfies Record<string, Catalog>;
export type Language = keyof typeof CATALOGS;
export const FALLBACK_LANGUAGE: Language = "en";
/** Each language's name in itself, as the picker shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", es: "Español", ja: "日本語" };
/** localStorage key of the picker's choice. */
export const LANGUAGE_KEY = "battle.language";

const isLanguage = (tag: string): tag is Language => Object.hasOwn(CATALOGS, tag);
const baseOf = (tag: string) => tag.toLowerCase().split("-")[0];

/** The saved choice when it is a language we have, else the first preferred one we have, else English. */
export function pickLanguage(preferred: readonly string[], saved: string | null): Language {
  if (saved !== null && isLanguage(saved)) return saved;
  for (const tag of preferred) {
    const base = baseOf(tag);
    if (isLanguage(base)) return base;
  }
  return FALLBACK_LANGUAGE;
}

/** The locale for Intl: the viewer's own regional tag when it is in `language` (en-GB, es-MX), else the language. */
export function localeFor(language: Language, preferred: readonly string[]): string {
  return preferred.find((tag) => baseOf(tag) === language) ?? language;
}

/** Fills `{name}` slots; a slot without a value stays as written. */
export function fill(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (slot, name: string) => {
    const value = values[name];
    return value === undefined ? slot : typeof value === "number" ? numbers.format(value) : value;
  });
}

let language: Language = FALLBACK_LANGUAGE;
let locale = "en";
let numbers = new Intl.NumberFormat("en");
let clock = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit" });
let stamp = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });
/** Formatters made for `formatNumber`'s options in the current locale: making one costs more than a frame can spare. */
let formatters = new Map<string, Intl.NumberFormat>();

/** Switches every later `t`, `formatNumber` and `formatTime` to `next`. */
export function useLanguage(next: Language, preferred: readonly string[]): void {
  language = next;
  locale = localeFor(next, preferred);
  numbers = new Intl.NumberFormat(locale);
  formatters = new Map();
  clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  stamp = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });
}

export const currentLanguage = (): Language => language;

export function t(key: MessageKey, values?: Record<string, string | number>): string {
  const catalog: Catalog = CATALOGS[language];
  return fill(catalog[key] ?? en[key], values);
}

/** `t` for a key built at run time (a refusal code, a close code): `fallback` when there is none. */
export function tCode(prefix: "refusal" | "auth", code: string | number, fallback: MessageKey): string {
  const key = `${prefix}.${code}`;
  return Object.hasOwn(en, key) ? t(key as MessageKey) : t(fallback, { code: String(code) });
}

/** Why the server refused a message, from its refusal code. */
export function refusalText(code: string): string {
  return tCode("refusal", code, "refusal.other");
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  if (!options) return numbers.format(value);
  const key = JSON.stringify(options);
  let formatter = formatters.get(key);
  if (!formatter) formatters.set(key, (formatter = new Intl.NumberFormat(locale, options)));
  return formatter.format(value);
}

/** Hours and minutes in the viewer's locale and own time zone. */
export function formatTime(utcMs: number): string {
  return clock.format(utcMs);
}

/** Date and time in full, for a tooltip. */
export function formatStamp(utcMs: number): string {
  return stamp.format(utcMs);
}

/**
 * Puts the catalog's words into the page: `data-i18n` (text), `data-i18n-placeholder`,
 * `data-i18n-label` (aria-label) and `data-i18n-title`; sets `<html lang>` and the title.
 */
import { currentLanguage, t, type MessageKey } from "./index";

const ATTRIBUTES: Array<[string, (element: HTMLElement, text: string) => void]> = [
  ["i18n", (element, text) => (element.textContent = text)],
  ["i18nPlaceholder", (element, text) => element.setAttribute("placeholder", text)],
  ["i18nLabel", (element, text) => element.setAttribute("aria-label", text)],
  ["i18nTitle", (element, text) => (element.title = text)],
];

export function translatePage(root: Document = document): void {
  root.documentElement.lang = currentLanguage();
  root.title = t("page.title");
  root.querySelectorAll<HTMLElement>("[data-i18n], [data-i18n-placeholder], [data-i18n-label], [data-i18n-title]").forEach((element) => {
    for (const [name, apply] of ATTRIBUTES) {
      const key = element.dataset[name];
      if (key) apply(element, t(key as MessageKey));
    }
  });
}

/** The catalog's words for `key` as nodes, with elements in its `{slot}`s (a name in a span, a countdown). */
export function translatedNodes(key: MessageKey, slots: Record<string, Node>): Node[] {
  return t(key)
    .split(/(\{\w+\})/)
    .filter((part) => part !== "")
    .map((part) => slots[part.slice(1, -1)] ?? document.createTextNode(part));
}

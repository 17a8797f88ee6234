/** Tiny DOM helpers. Text from the network only ever goes in through textContent, never as HTML. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing from index.html`);
  return element as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = "", text = ""): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text) element.textContent = text;
  return element;
}

/** Text a player wrote (a name, a chat line), isolated from the text around it: a right-to-left name beside right-to-left words does not mix with them. */
export function isolated(text: string, className = ""): HTMLElement {
  return el("bdi", className, text);
}

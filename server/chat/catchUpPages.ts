/**
 * A catch-up in pages, so nothing is lost in silence. A member that missed more than one reply holds
 * gets the oldest lines first, with `more: true`, and the next page when it asks (`historyMore`) or
 * after CHAT_RESUME_WAIT_MS, until it is current. What the history no longer keeps, or what lies past
 * CHAT_CATCH_UP_PAGES_MAX pages, is named as a `gap { from, to }` instead of left out unsaid.
 */
import { lineBytes } from "./history";
import type { ChatGap, ChatLine } from "../shared/protocol";

export interface Page {
  lines: ChatLine[];
  /** More lines above the page's last one: the member stays held for the next page. */
  more: boolean;
  gap?: ChatGap;
}

export interface PageBounds {
  maxLines: number;
  maxBytes: number;
}

/** The oldest of `lines` that fit in the bounds (at least one line, so a page always moves on). */
function oldestWithin(lines: readonly ChatLine[], { maxLines, maxBytes }: PageBounds): ChatLine[] {
  let bytes = 0;
  let end = 0;
  while (end < lines.length && end < maxLines) {
    bytes += lineBytes(lines[end]);
    if (bytes > maxBytes && end > 0) break;
    end++;
  }
  return lines.slice(0, end);
}

/** The newest of `lines` that fit in the bounds. */
function newestWithin(lines: readonly ChatLine[], { maxLines, maxBytes }: PageBounds): ChatLine[] {
  let bytes = 0;
  let start = lines.length;
  while (start > 0 && lines.length - start < maxLines) {
    bytes += lineBytes(lines[start - 1]);
    if (bytes > maxBytes && start < lines.length) break;
    start--;
  }
  return lines.slice(start);
}

/**
 * The next page after `since` from `kept`, every kept line above `since`, oldest first. Ids follow
 * one another within a channel, so a first kept id past `since` + 1 means lines the history has
 * dropped (join and leave lines go first, in their own small ring). `lastPage`: the pages of this
 * catch-up are used up, so the newest lines come and the rest is a gap.
 */
export function nextPage(kept: readonly ChatLine[], since: number, lastPage: boolean, bounds: PageBounds): Page {
  const above = kept.filter((line) => line.id > since);
  const dropped = since > 0 && above.length > 0 && above[0].id > since + 1 ? { from: since + 1, to: above[0].id - 1 } : undefined;
  const oldest = oldestWithin(above, bounds);
  if (oldest.length === above.length) return { lines: oldest, more: false, ...(dropped ? { gap: dropped } : {}) };
  if (!lastPage) return { lines: oldest, more: true, ...(dropped ? { gap: dropped } : {}) };
  const newest = newestWithin(above, bounds);
  // Nothing seen yet (`since` 0): nothing missed either, only older lines not sent.
  return { lines: newest, more: false, ...(since > 0 ? { gap: { from: dropped?.from ?? since + 1, to: newest[0].id - 1 } } : {}) };
}

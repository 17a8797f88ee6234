import type { ChatHistoryBounds } from "../config/chat";
import { CHAT_IDS_PER_MS } from "../shared/limits";
import { CHAT_SYSTEM_LINES_KEEP } from "../shared/tuning";
import type { ChatLine } from "../shared/payloads";

/** A line before the history numbers it. */
export type ChatDraft = Omit<ChatLine, "id">;

/** A kept line with its channel: one entry of a player's export. */
export interface KeptLine {
  channel: string;
  line: ChatLine;
}

/** What retention and erasure need of a history store (the policy: ./retention.ts). */
export interface ChatArchive {
  /** Every kept line of `playerId`, in every channel, oldest first within a channel. */
  linesOf(playerId: string): Promise<KeptLine[]>;
  /** Deletes every kept line of `playerId`, in every channel; resolves with how many. */
  eraseLinesOf(playerId: string): Promise<number>;
  /** Deletes every line said before `cutoffMs` (UTC ms); resolves with how many. */
  dropBefore(cutoffMs: number): Promise<number>;
}

/** The pub/sub topic on which a channel's numbered lines are published, for every room of the channel. */
export const chatTopic = (channel: string) => `chatline:${channel}`;
/** The channel of a {@link chatTopic}. */
export const channelOfTopic = (topic: string) => topic.slice("chatline:".length);

/**
 * A channel's numbered, bounded history. Ids are unique and increase by one per line of the channel,
 * and keep increasing after the history was dropped ({@link firstLineIdAt}); `append` publishes the
 * numbered line on {@link chatTopic} in id order. Join and leave lines ("system") are kept apart, in
 * a ring of CHAT_SYSTEM_LINES_KEEP, so a flood of them never pushes out what members said.
 */
export interface ChatHistory extends ChatArchive {
  append(channel: string, draft: ChatDraft): Promise<ChatLine>;
  /** The newest `limit` kept lines with an id above `since`, oldest first. */
  after(channel: string, since: number, limit: number): Promise<ChatLine[]>;
  close(): Promise<void>;
}

/** The id before a channel's first line when its numbering (re)starts at `nowMs`. */
export function firstLineIdAt(nowMs: number): number {
  return Math.floor(nowMs) * CHAT_IDS_PER_MS;
}

/** Bytes of a line as stored and sent (its JSON in UTF-8): what CHAT_HISTORY_LINE_BYTES bounds. */
export function lineBytes(line: ChatDraft | ChatLine): number {
  return Buffer.byteLength(JSON.stringify(line)) + ("id" in line ? 0 : `"id":${Number.MAX_SAFE_INTEGER},`.length);
}

/** The newest of `lines` (oldest first) that fit in `maxLines` and `maxBytes`, oldest first. */
export function newestWithin(lines: readonly ChatLine[], maxLines: number, maxBytes: number): ChatLine[] {
  let bytes = 0;
  let start = lines.length;
  while (start > 0 && lines.length - start < maxLines) {
    bytes += lineBytes(lines[start - 1]);
    if (bytes > maxBytes) break;
    start--;
  }
  return lines.slice(start);
}

/** Merges the kept user and system lines above `since`, oldest first, the newest `limit` of them. */
export function mergeAbove(user: readonly ChatLine[], system: readonly ChatLine[], since: number, limit: number): ChatLine[] {
  return [...user, ...system]
    .filter((line) => line.id > since)
    .sort((a, b) => a.id - b.id)
    .slice(-limit);
}

interface Kept {
  lastId: number;
  /** What members said and, apart, join and leave lines. */
  lines: ChatLine[];
  system: ChatLine[];
}

/**
 * One process, in memory: survives a channel room being recreated, not a process restart. Holds at
 * most `bounds.channels` channels: anyone may open a channel, so the least recently used one is
 * dropped (its ids then go on from {@link firstLineIdAt}, above any it gave before).
 */
export class MemoryChatHistory implements ChatHistory {
  private channels = new Map<string, Kept>();

  constructor(
    private readonly bounds: Pick<ChatHistoryBounds, "lines" | "channels">,
    private readonly publish: (topic: string, line: ChatLine) => void,
    private readonly now: () => number = Date.now,
  ) {}

  async append(channel: string, draft: ChatDraft): Promise<ChatLine> {
    let kept = this.channels.get(channel);
    // Map order is insertion order: re-inserting marks the channel as the most recently used.
    this.channels.delete(channel);
    this.channels.set(channel, (kept ??= { lastId: firstLineIdAt(this.now()), lines: [], system: [] }));
    if (this.channels.size > this.bounds.channels) this.channels.delete(this.channels.keys().next().value!);
    const line: ChatLine = { id: ++kept.lastId, ...draft };
    const ring = line.kind === "system" ? kept.system : kept.lines;
    ring.push(line);
    const keep = line.kind === "system" ? CHAT_SYSTEM_LINES_KEEP : this.bounds.lines;
    if (ring.length > keep) ring.splice(0, ring.length - keep);
    this.publish(chatTopic(channel), line);
    return line;
  }

  async after(channel: string, since: number, limit: number): Promise<ChatLine[]> {
    const kept = this.channels.get(channel);
    return kept ? mergeAbove(kept.lines, kept.system, since, limit) : [];
  }

  // Retention and erasure (./retention.ts); join and leave lines carry no player id.
  async linesOf(playerId: string): Promise<KeptLine[]> {
    const found: KeptLine[] = [];
    for (const [channel, { lines }] of this.channels) {
      for (const line of lines) if (line.playerId === playerId) found.push({ channel, line });
    }
    return found;
  }

  async eraseLinesOf(playerId: string): Promise<number> {
    return this.drop((line) => line.playerId === playerId, ["lines"]);
  }

  async dropBefore(cutoffMs: number): Promise<number> {
    return this.drop((line) => line.time < cutoffMs, ["lines", "system"]);
  }

  /** Removes the lines `drop` picks from the named rings of every channel; returns how many. */
  private drop(drop: (line: ChatLine) => boolean, rings: ReadonlyArray<"lines" | "system">): number {
    let dropped = 0;
    for (const kept of this.channels.values()) {
      for (const ring of rings) {
        const before = kept[ring].length;
        kept[ring] = kept[ring].filter((line) => !drop(line));
        dropped += before - kept[ring].length;
      }
    }
    return dropped;
  }

  async close(): Promise<void> {}
}

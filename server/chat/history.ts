import { CHAT_IDS_PER_MS, CHAT_SYSTEM_LINES_KEEP, type ChatLine } from "../shared/protocol";
import type { ChatHistoryBounds } from "../config/chat";
import { memoryDrop, memoryLinesOf, type ChatArchive, type KeptLine } from "./retention";

/** A line before the history numbers it. */
export type ChatDraft = Omit<ChatLine, "id">;

/** The pub/sub topic on which a channel's numbered lines are published, for every room of the channel. */
export const chatTopic = (channel: string) => `chatline:${channel}`;

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
  /** What members said (`lines`, as retention.ts reads it) and, apart, join and leave lines. */
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

  // Retention and erasure (server/chat/retention.ts); join and leave lines carry no player id.
  async linesOf(playerId: string): Promise<KeptLine[]> {
    return memoryLinesOf(this.channels, playerId);
  }

  async eraseLinesOf(playerId: string): Promise<number> {
    return memoryDrop(this.channels, (line) => line.playerId === playerId);
  }

  async dropBefore(cutoffMs: number): Promise<number> {
    let dropped = memoryDrop(this.channels, (line) => line.time < cutoffMs);
    for (const kept of this.channels.values()) {
      const before = kept.system.length;
      kept.system = kept.system.filter((line) => line.time >= cutoffMs);
      dropped += before - kept.system.length;
    }
    return dropped;
  }

  async close(): Promise<void> {}
}

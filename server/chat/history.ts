import type { ChatLine } from "../shared/protocol";
import { memoryDrop, memoryLinesOf, type ChatArchive, type KeptLine } from "./retention";

/** A line before the history numbers it. */
export type ChatDraft = Omit<ChatLine, "id">;

/** The pub/sub topic on which a channel's numbered lines are published, for every room of the channel. */
export const chatTopic = (channel: string) => `chatline:${channel}`;

/**
 * A channel's numbered, bounded history. Ids are unique and increase by one per line of the channel;
 * `append` publishes the numbered line on {@link chatTopic} in id order.
 */
export interface ChatHistory extends ChatArchive {
  append(channel: string, draft: ChatDraft): Promise<ChatLine>;
  /** The newest `limit` kept lines with an id above `since`, oldest first. */
  after(channel: string, since: number, limit: number): Promise<ChatLine[]>;
  close(): Promise<void>;
}

/**
 * One process, in memory: survives a channel room being recreated, not a process restart. Holds at
 * most `maxChannels` channels: anyone may open a channel, so the least recently used one is dropped
 * (its ids then start again at 1, as after a Redis history expires).
 */
export class MemoryChatHistory implements ChatHistory {
  private channels = new Map<string, { lastId: number; lines: ChatLine[] }>();

  constructor(
    private readonly keep: number,
    private readonly publish: (topic: string, line: ChatLine) => void,
    private readonly maxChannels: number,
  ) {}

  async append(channel: string, draft: ChatDraft): Promise<ChatLine> {
    let kept = this.channels.get(channel);
    // Map order is insertion order: re-inserting marks the channel as the most recently used.
    this.channels.delete(channel);
    this.channels.set(channel, (kept ??= { lastId: 0, lines: [] }));
    if (this.channels.size > this.maxChannels) this.channels.delete(this.channels.keys().next().value!);
    const line: ChatLine = { id: ++kept.lastId, ...draft };
    kept.lines.push(line);
    if (kept.lines.length > this.keep) kept.lines.splice(0, kept.lines.length - this.keep);
    this.publish(chatTopic(channel), line);
    return line;
  }

  async after(channel: string, since: number, limit: number): Promise<ChatLine[]> {
    const lines = this.channels.get(channel)?.lines ?? [];
    return lines.filter((line) => line.id > since).slice(-limit);
  }

  // Retention and erasure (server/chat/retention.ts).
  async linesOf(playerId: string): Promise<KeptLine[]> {
    return memoryLinesOf(this.channels, playerId);
  }

  async eraseLinesOf(playerId: string): Promise<number> {
    return memoryDrop(this.channels, (line) => line.playerId === playerId);
  }

  async dropBefore(cutoffMs: number): Promise<number> {
    return memoryDrop(this.channels, (line) => line.time < cutoffMs);
  }

  async close(): Promise<void> {}
}

import type { ChatLine } from "../shared/protocol";

/** A line before the history numbers it. */
export type ChatDraft = Omit<ChatLine, "id">;

/** The pub/sub topic on which a channel's numbered lines are published, for every room of the channel. */
export const chatTopic = (channel: string) => `chatline:${channel}`;

/**
 * A channel's numbered, bounded history. Ids are unique and increase by one per line of the channel;
 * `append` publishes the numbered line on {@link chatTopic} in id order.
 */
export interface ChatHistory {
  append(channel: string, draft: ChatDraft): Promise<ChatLine>;
  /** The newest `limit` kept lines with an id above `since`, oldest first. */
  after(channel: string, since: number, limit: number): Promise<ChatLine[]>;
  close(): Promise<void>;
}

/** One process, in memory: survives a channel room being recreated, not a process restart. */
export class MemoryChatHistory implements ChatHistory {
  private channels = new Map<string, { lastId: number; lines: ChatLine[] }>();

  constructor(
    private readonly keep: number,
    private readonly publish: (topic: string, line: ChatLine) => void,
  ) {}

  async append(channel: string, draft: ChatDraft): Promise<ChatLine> {
    let kept = this.channels.get(channel);
    if (!kept) this.channels.set(channel, (kept = { lastId: 0, lines: [] }));
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

  async close(): Promise<void> {}
}

/**
 * Chat lines from the chat Redis (CHAT_REDIS_URL) to the rooms of this process: one subscriber
 * connection of its own, so the rooms' presence can live on another Redis (each region's own).
 * Every line reaches a listener once and in id order, also across an outage of the chat Redis:
 * a channel's ids run one by one, so a jump after a reconnection (lines published while this
 * process could not hear them) is filled from the history before the line that showed it.
 */
import { Redis } from "ioredis";
import { CHAT_HISTORY_KEEP } from "../shared/tuning";
import type { ChatLine } from "../shared/payloads";
import type { Logger } from "../telemetry/log";
import { channelOfTopic, type ChatHistory } from "./history";

/** What a room subscribes through: a chat topic and a listener (Colyseus's Presence has the same two methods). */
export interface ChatSubscriber {
  subscribe(topic: string, listener: (line: ChatLine) => void): Promise<unknown>;
  unsubscribe(topic: string, listener: (line: ChatLine) => void): unknown;
}

type Listener = (line: ChatLine) => void;

interface Topic {
  channel: string;
  listeners: Set<Listener>;
  /** Id of the last line given to the listeners; undefined until the first line or the first read. */
  lastId: number | undefined;
  /** A history read is filling a gap: live lines wait in `waiting` (at most CHAT_HISTORY_KEEP). */
  filling: boolean;
  waiting: ChatLine[];
}

export class ChatRelay implements ChatSubscriber {
  private readonly sub: Redis;
  private readonly topics = new Map<string, Topic>();
  private connectedOnce = false;

  /** `history`: the chat Redis's own history, read to fill gaps. Connects at the first subscription. */
  constructor(url: string, private readonly history: Pick<ChatHistory, "after">, private readonly log: Logger) {
    this.sub = new Redis(url, { lazyConnect: true });
    this.sub.on("message", (topic: string, json: string) => this.heard(topic, json));
    // ioredis subscribes again by itself after a reconnection; what was said meanwhile is read back.
    this.sub.on("ready", () => {
      if (this.connectedOnce) for (const topic of this.topics.values()) void this.fill(topic);
      this.connectedOnce = true;
    });
  }

  /** The subscriber connection, for the health watch's error reports. */
  get connection(): Redis {
    return this.sub;
  }

  async subscribe(topicName: string, listener: Listener): Promise<void> {
    let topic = this.topics.get(topicName);
    if (topic) return void topic.listeners.add(listener);
    topic = { channel: channelOfTopic(topicName), listeners: new Set([listener]), lastId: undefined, filling: false, waiting: [] };
    this.topics.set(topicName, topic);
    await this.sub.subscribe(topicName);
    // Where the channel stands now: a later jump in ids is then a gap, whatever came first.
    const newest = await this.history.after(topic.channel, 0, 1).catch(() => []);
    const id = newest.at(-1)?.id;
    if (id !== undefined && (topic.lastId === undefined || id > topic.lastId)) topic.lastId = id;
  }

  async unsubscribe(topicName: string, listener: Listener): Promise<void> {
    const topic = this.topics.get(topicName);
    if (!topic) return;
    topic.listeners.delete(listener);
    if (topic.listeners.size > 0) return;
    this.topics.delete(topicName);
    await this.sub.unsubscribe(topicName).catch(() => {});
  }

  async close(): Promise<void> {
    this.topics.clear();
    if (this.sub.status === "wait") return this.sub.disconnect();
    await this.sub.quit().catch(() => this.sub.disconnect());
  }

  private heard(topicName: string, json: string): void {
    const topic = this.topics.get(topicName);
    if (!topic) return;
    let line: ChatLine;
    try {
      line = JSON.parse(json) as ChatLine;
    } catch {
      return;
    }
    if (topic.filling) return void this.wait(topic, line);
    if (topic.lastId !== undefined && line.id > topic.lastId + 1) {
      this.wait(topic, line);
      return void this.fill(topic);
    }
    this.give(topic, line);
  }

  private wait(topic: Topic, line: ChatLine): void {
    topic.waiting.push(line);
    if (topic.waiting.length > CHAT_HISTORY_KEEP) topic.waiting.shift();
  }

  /** Gives the listeners every kept line after the last one given, then the lines that waited. */
  private async fill(topic: Topic): Promise<void> {
    if (topic.filling || topic.lastId === undefined) return;
    topic.filling = true;
    try {
      for (const line of await this.history.after(topic.channel, topic.lastId, CHAT_HISTORY_KEEP)) this.give(topic, line);
    } catch (error) {
      // Still unreachable: what waited goes out, and the next reconnection fills the gap.
      this.log.warn({ err: error, channel: topic.channel }, "could not read the chat lines missed while the chat Redis was away");
    } finally {
      topic.filling = false;
      const waiting = topic.waiting.splice(0).sort((a, b) => a.id - b.id);
      for (const line of waiting) this.give(topic, line);
    }
  }

  private give(topic: Topic, line: ChatLine): void {
    if (topic.lastId !== undefined && line.id <= topic.lastId) return;
    topic.lastId = line.id;
    for (const listener of topic.listeners) listener(line);
  }
}

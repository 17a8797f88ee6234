import { Room, ServerError, logger, matchMaker, type Client } from "@colyseus/core";
import { CatchUp } from "../chat/catchUp";
import { MemoryChatHistory, chatTopic, type ChatHistory } from "../chat/history";
import { Mutes, parseMuteSeconds, type ModerationResult } from "../chat/moderation";
import { settings } from "../config";
import { RateLimiter } from "../security/rateLimit";
import { generateName, seededRng } from "../shared/game";
import { parseChat, parseChatOptions, parseResume, type ChatJoin } from "../shared/parse";
import {
  CHAT_HISTORY_KEEP,
  CHAT_HISTORY_ON_JOIN,
  CHAT_MAX_MEMBERS,
  RECONNECT_SECONDS,
  CHAT_RESUME_WAIT_MS,
  ClientMessage,
  CLOSE_KICKED,
  JOIN_INVALID_OPTIONS,
  RefusalCode,
  SEAT_RESERVATION_S,
  ServerMessage,
  type ChatHistory as ChatHistoryPayload,
  type ChatLine,
  type ChatLineKind,
} from "../shared/protocol";
import { countChatLine } from "../ops/metrics";
import { closeRoomGracefully } from "../ops/shutdown";
import { refuse, refuseUnknownType } from "./refuse";
import { RoomSubscriptions } from "./roomSubscriptions";
import { ChatState, Member } from "./schema/ChatState";

type ChatClient = Client<unknown, ChatJoin>;

/**
 * One room per channel (the room is defined with `filterBy(["channel"])`). Lines are numbered and
 * kept by the history, which publishes them on the channel's topic; the room relays what it hears.
 */
export class ChatRoom extends Room<ChatState, unknown, unknown, ChatJoin> {
  /** Shared by every chat room of the process; app.config puts the Redis history here when configured. */
  static history: ChatHistory = new MemoryChatHistory(CHAT_HISTORY_KEEP, (topic, line) =>
    matchMaker.presence.publish(topic, line),
  );

  state = new ChatState();
  maxClients = CHAT_MAX_MEMBERS;
  private rng = seededRng(Math.floor(Math.random() * 2 ** 32));
  readonly limits = new RateLimiter(undefined, settings().rateLimitScale);
  private mutes = new Mutes();
  /** Members being kicked: their leave is final, no reconnection. */
  private kicked = new Set<string>();
  private catchUp = new CatchUp(CHAT_HISTORY_KEEP);
  private subscriptions = new RoomSubscriptions(matchMaker.presence);
  /** Reconnected members who have not sent `resume` yet. */
  private awaitingResume = new Set<string>();
  /** Id of the last line relayed: where a reconnected member that never says `resume` resumes. */
  private lastLineId = 0;

  /** Runs at matchmaking, before a seat is reserved: bad join options never take a seat. */
  static async onAuth(_token: string, options: unknown): Promise<ChatJoin> {
    const parsed = parseChatOptions(options);
    if (!parsed.ok) throw new ServerError(JOIN_INVALID_OPTIONS, parsed.message);
    return parsed.value;
  }

  async onCreate(options: unknown) {
    const parsed = parseChatOptions(options);
    if (!parsed.ok) throw new ServerError(JOIN_INVALID_OPTIONS, parsed.message);
    this.state.channel = parsed.value.channel;
    void this.setMetadata({ channel: parsed.value.channel });

    this.setSeatReservationTime(SEAT_RESERVATION_S);
    this.onMessage(ClientMessage.chat, (client, payload: unknown) => this.onChat(client, payload));
    this.onMessage(ClientMessage.resume, (client, payload: unknown) => this.onResume(client, payload));
    this.onMessage("*", (client, type) => this.limits.admit(client, "*") && refuseUnknownType(client, type));
    await this.subscriptions.subscribe<ChatLine>(chatTopic(this.state.channel), (line) => this.relay(line));
  }

  onJoin(client: ChatClient, _options: unknown, auth: ChatJoin) {
    const member = new Member();
    member.name = auth.name ?? generateName(this.rng);
    this.state.members.set(client.sessionId, member);
    void this.sendHistory(client, auth.since);
    this.post("system", "", "", `${member.name} joined`);
  }

  async onLeave(client: ChatClient, consented: boolean) {
    // Kicked or cut off for flooding: the leave is final, no seat is kept.
    const removed = this.limits.wasCutOff(client.sessionId) || this.kicked.delete(client.sessionId);
    if (!consented && !removed && (await this.waitForReconnection(client))) return;
    this.catchUp.forget(client.sessionId);
    this.awaitingResume.delete(client.sessionId);
    const member = this.state.members.get(client.sessionId);
    this.state.members.delete(client.sessionId);
    this.limits.forget(client.sessionId);
    this.mutes.unmute(client.sessionId);
    if (member) this.post("system", "", "", `${member.name} left`);
  }

  onBeforeShutdown() {
    closeRoomGracefully(this);
  }

  async onDispose() {
    await this.subscriptions.dispose();
  }

  onUncaughtException(error: Error, methodName: string) {
    logger.error(`chat ${this.roomId}: ${methodName} threw`, error);
  }

  /** Moderation (monitor room-call API): `seconds` defaults to MUTE_MAX_S. Their chat is refused meanwhile. */
  mute(sessionId: unknown, seconds?: unknown): ModerationResult {
    const duration = parseMuteSeconds(seconds);
    if (duration === null) return { ok: false, reason: "seconds must be a number above 0, at most one day" };
    if (typeof sessionId !== "string" || !this.state.members.has(sessionId)) return { ok: false, reason: "no such member" };
    this.mutes.mute(sessionId, duration, Date.now());
    return { ok: true };
  }

  unmute(sessionId: unknown): ModerationResult {
    if (typeof sessionId !== "string" || !this.mutes.unmute(sessionId)) return { ok: false, reason: "not muted" };
    return { ok: true };
  }

  /** Moderation: disconnects a member with CLOSE_KICKED; everyone sees the usual "left" line. */
  kick(sessionId: unknown): ModerationResult {
    const client = typeof sessionId === "string" ? this.clients.getById(sessionId) : undefined;
    if (!client) return { ok: false, reason: "no such member" };
    this.kicked.add(client.sessionId);
    client.leave(CLOSE_KICKED, "kicked");
    return { ok: true };
  }

  /** Holds the member's lines while it is away; true when it came back with its reconnection token. */
  private async waitForReconnection(client: ChatClient): Promise<boolean> {
    const droppedAfter = this.lastLineId;
    this.catchUp.hold(client.sessionId);
    try {
      const back = await this.allowReconnection(client, RECONNECT_SECONDS);
      this.awaitingResume.add(back.sessionId);
      this.clock.setTimeout(() => {
        if (this.awaitingResume.delete(back.sessionId)) void this.sendHistory(back, droppedAfter);
      }, CHAT_RESUME_WAIT_MS);
      return true;
    } catch {
      return false;
    }
  }

  private onChat(client: ChatClient, payload: unknown) {
    if (!this.limits.admit(client, ClientMessage.chat)) return;
    const member = this.state.members.get(client.sessionId);
    if (!member) return;
    const mutedMs = this.mutes.remainingMs(client.sessionId, Date.now());
    if (mutedMs > 0) return refuse(client, ClientMessage.chat, RefusalCode.muted, `you are muted for ${Math.ceil(mutedMs / 1000)} s`);
    const chat = parseChat(payload);
    if (!chat.ok) return refuse(client, ClientMessage.chat, chat.code, chat.message);
    this.post("user", member.name, client.sessionId, chat.value.text);
  }

  private onResume(client: ChatClient, payload: unknown) {
    if (!this.limits.admit(client, ClientMessage.resume)) return;
    const resume = parseResume(payload);
    if (!resume.ok) return refuse(client, ClientMessage.resume, resume.code, resume.message);
    this.awaitingResume.delete(client.sessionId);
    void this.sendHistory(client, resume.value.since);
  }

  /**
   * One `history` message: every kept line after `since`, or the latest CHAT_HISTORY_ON_JOIN when
   * undefined. Live lines wait until it is sent, so none is missed, repeated or out of order.
   */
  private async sendHistory(client: ChatClient, since: number | undefined) {
    this.catchUp.hold(client.sessionId);
    let lines: ChatLine[] = [];
    try {
      lines = await ChatRoom.history.after(this.state.channel, since ?? 0, since === undefined ? CHAT_HISTORY_ON_JOIN : CHAT_HISTORY_KEEP);
    } catch (error) {
      logger.error(`chat ${this.roomId}: could not read the history`, error);
    }
    if (!this.catchUp.isHeld(client.sessionId)) return; // left meanwhile
    const caughtUp = this.catchUp.release(client.sessionId, since ?? 0, lines);
    const history: ChatHistoryPayload = { lines: caughtUp.history };
    client.send(ServerMessage.history, history);
    for (const line of caughtUp.live) client.send(ServerMessage.chat, line);
  }

  /** Hands a line to the history, which numbers it and publishes it to every room of the channel. */
  private post(kind: ChatLineKind, name: string, sessionId: string, text: string) {
    ChatRoom.history
      .append(this.state.channel, { kind, name, sessionId, text, time: Date.now() })
      .catch((error) => logger.error(`chat ${this.roomId}: could not keep a line`, error));
  }

  private relay(line: ChatLine) {
    this.lastLineId = line.id;
    const skip = this.catchUp.skipFor(line);
    const except = skip.size > 0 ? this.clients.filter((client) => skip.has(client.sessionId)) : undefined;
    this.broadcast(ServerMessage.chat, line, except ? { except } : undefined);
    countChatLine(line.kind);
  }
}

import { Room, ServerError, logger, type Client } from "@colyseus/core";
import { ChatHistory } from "../chat/history";
import { Mutes, parseMuteSeconds, type ModerationResult } from "../chat/moderation";
import { RateLimiter } from "../security/rateLimit";
import { generateName, seededRng } from "../shared/game";
import { parseChat, parseChatOptions, type ChatJoin } from "../shared/parse";
import {
  CHAT_HISTORY_KEEP,
  CHAT_HISTORY_ON_JOIN,
  CHAT_MAX_MEMBERS,
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
import { cameBack } from "./reconnect";
import { refuse, refuseUnknownType } from "./refuse";
import { ChatState, Member } from "./schema/ChatState";

type ChatClient = Client<unknown, ChatJoin>;

/** One room per channel (the room is defined with `filterBy(["channel"])`). */
export class ChatRoom extends Room<ChatState, unknown, unknown, ChatJoin> {
  state = new ChatState();
  maxClients = CHAT_MAX_MEMBERS;
  private history = new ChatHistory(CHAT_HISTORY_KEEP);
  private nextLineId = 1;
  private rng = seededRng(Math.floor(Math.random() * 2 ** 32));
  readonly limits = new RateLimiter();
  private mutes = new Mutes();
  /** Members being kicked: their leave is final, no reconnection. */
  private kicked = new Set<string>();

  /** Runs at matchmaking, before a seat is reserved: bad join options never take a seat. */
  static async onAuth(_token: string, options: unknown): Promise<ChatJoin> {
    const parsed = parseChatOptions(options);
    if (!parsed.ok) throw new ServerError(JOIN_INVALID_OPTIONS, parsed.message);
    return parsed.value;
  }

  onCreate(options: unknown) {
    const parsed = parseChatOptions(options);
    if (!parsed.ok) throw new ServerError(JOIN_INVALID_OPTIONS, parsed.message);
    this.state.channel = parsed.value.channel;
    void this.setMetadata({ channel: parsed.value.channel });

    this.setSeatReservationTime(SEAT_RESERVATION_S);
    this.onMessage(ClientMessage.chat, (client, payload: unknown) => this.onChat(client, payload));
    this.onMessage("*", (client, type) => this.limits.admit(client, "*") && refuseUnknownType(client, type));
  }

  onJoin(client: ChatClient, _options: unknown, auth: ChatJoin) {
    const member = new Member();
    member.name = auth.name ?? generateName(this.rng);
    this.state.members.set(client.sessionId, member);
    const history: ChatHistoryPayload = { lines: this.history.latest(CHAT_HISTORY_ON_JOIN) };
    client.send(ServerMessage.history, history);
    this.post("system", "", "", `${member.name} joined`);
  }

  async onLeave(client: ChatClient, consented: boolean) {
    const removed = this.limits.wasCutOff(client.sessionId) || this.kicked.delete(client.sessionId);
    if (await cameBack(this, client, consented || removed)) return;
    const member = this.state.members.get(client.sessionId);
    this.state.members.delete(client.sessionId);
    this.limits.forget(client.sessionId);
    this.mutes.unmute(client.sessionId);
    if (member) this.post("system", "", "", `${member.name} left`);
  }

  onBeforeShutdown() {
    closeRoomGracefully(this);
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

  /** Numbers a line, keeps it in the history and relays it to every member. */
  private post(kind: ChatLineKind, name: string, sessionId: string, text: string) {
    const line: ChatLine = { id: this.nextLineId++, kind, name, sessionId, text, time: Date.now() };
    this.history.append(line);
    this.broadcast(ServerMessage.chat, line);
    countChatLine(kind);
  }
}

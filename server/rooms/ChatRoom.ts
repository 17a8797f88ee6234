import { Room, ServerError, logger, type Client } from "@colyseus/core";
import { identify, playerIdOf, withIdentity, type Identity } from "../auth/identity";
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
import { evict, Seats } from "./seats";
import { ChatState, Member } from "./schema/ChatState";

/** `client.auth`: the join options and who the member is. */
type ChatAuth = ChatJoin & Identity;
type ChatClient = Client<unknown, ChatAuth>;

/** One room per channel (the room is defined with `filterBy(["channel"])`). */
export class ChatRoom extends Room<ChatState, unknown, unknown, ChatAuth> {
  state = new ChatState();
  maxClients = CHAT_MAX_MEMBERS;
  private history = new ChatHistory(CHAT_HISTORY_KEEP);
  private nextLineId = 1;
  private rng = seededRng(Math.floor(Math.random() * 2 ** 32));
  readonly limits = new RateLimiter();
  /** Keyed by player id, so leaving and joining again does not lift a mute. */
  private mutes = new Mutes();
  private seats = new Seats();
  /** Members being kicked: their leave is final, no reconnection. */
  private kicked = new Set<string>();

  /** Runs at matchmaking, before a seat is reserved: bad join options or a refused token never take a seat. */
  static async onAuth(token: string | undefined, options: unknown): Promise<ChatAuth> {
    const parsed = parseChatOptions(options);
    if (!parsed.ok) throw new ServerError(JOIN_INVALID_OPTIONS, parsed.message);
    return withIdentity(parsed.value, await identify(token));
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

  onJoin(client: ChatClient, _options: unknown, auth: ChatAuth) {
    const member = new Member();
    member.name = auth.name ?? generateName(this.rng);
    member.playerId = auth.playerId;
    this.state.members.set(client.sessionId, member);
    const history: ChatHistoryPayload = { lines: this.history.latest(CHAT_HISTORY_ON_JOIN) };
    client.send(ServerMessage.history, history);
    // The same player joining again (another tab or device) takes its seat over quietly.
    const previous = this.seats.claim(auth.playerId, client.sessionId);
    if (previous !== undefined) {
      this.state.members.delete(previous);
      return evict(this, previous);
    }
    this.post("system", "", "", `${member.name} joined`);
  }

  async onLeave(client: ChatClient, consented: boolean) {
    const replaced = !this.seats.holds(playerIdOf(client), client.sessionId);
    const removed = this.limits.wasCutOff(client.sessionId) || this.kicked.delete(client.sessionId) || replaced;
    if (await cameBack(this, client, consented || removed)) return;
    const member = this.state.members.get(client.sessionId);
    this.state.members.delete(client.sessionId);
    this.limits.forget(client.sessionId);
    this.seats.release(playerIdOf(client), client.sessionId);
    if (member) this.post("system", "", "", `${member.name} left`);
  }

  onBeforeShutdown() {
    closeRoomGracefully(this);
  }

  onUncaughtException(error: Error, methodName: string) {
    logger.error(`chat ${this.roomId}: ${methodName} threw`, error);
  }

  /**
   * Moderation (monitor room-call API). `member` is a member's sessionId or player id; the mute holds
   * the player id, so it outlasts a rejoin. `seconds` defaults to MUTE_MAX_S. Their chat is refused meanwhile.
   */
  mute(member: unknown, seconds?: unknown): ModerationResult {
    const duration = parseMuteSeconds(seconds);
    if (duration === null) return { ok: false, reason: "seconds must be a number above 0, at most one day" };
    const playerId = this.resolveMember(member);
    if (playerId === undefined) return { ok: false, reason: "no such member" };
    this.mutes.mute(playerId, duration, Date.now());
    return { ok: true };
  }

  /** `member`: a member's sessionId, or the player id of a muted player (who may have left). */
  unmute(member: unknown): ModerationResult {
    const playerId = this.resolveMember(member) ?? member;
    if (typeof playerId !== "string" || !this.mutes.unmute(playerId)) return { ok: false, reason: "not muted" };
    return { ok: true };
  }

  /** Moderation: disconnects a member (sessionId or player id) with CLOSE_KICKED; everyone sees the usual "left" line. */
  kick(member: unknown): ModerationResult {
    const playerId = this.resolveMember(member);
    const client = this.clients.find((c) => playerIdOf(c) === playerId);
    if (!client) return { ok: false, reason: "no such member" };
    this.kicked.add(client.sessionId);
    client.leave(CLOSE_KICKED, "kicked");
    return { ok: true };
  }

  private onChat(client: ChatClient, payload: unknown) {
    if (!this.limits.admit(client, ClientMessage.chat)) return;
    const member = this.state.members.get(client.sessionId);
    if (!member) return;
    const mutedMs = this.mutes.remainingMs(playerIdOf(client), Date.now());
    if (mutedMs > 0) return refuse(client, ClientMessage.chat, RefusalCode.muted, `you are muted for ${Math.ceil(mutedMs / 1000)} s`);
    const chat = parseChat(payload);
    if (!chat.ok) return refuse(client, ClientMessage.chat, chat.code, chat.message);
    this.post("user", member.name, client.sessionId, chat.value.text, playerIdOf(client));
  }

  /** The player id of a member named by sessionId or by player id. */
  private resolveMember(member: unknown): string | undefined {
    if (typeof member !== "string") return undefined;
    const bySession = this.state.members.get(member);
    if (bySession) return bySession.playerId;
    for (const m of this.state.members.values()) if (m.playerId === member) return member;
    return undefined;
  }

  /** Numbers a line, keeps it in the history and relays it to every member. */
  private post(kind: ChatLineKind, name: string, sessionId: string, text: string, playerId = "") {
    const line: ChatLine = { id: this.nextLineId++, kind, name, sessionId, playerId, text, time: Date.now() };
    this.history.append(line);
    this.broadcast(ServerMessage.chat, line);
    countChatLine(kind);
  }
}

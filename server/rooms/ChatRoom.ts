import { Room, ServerError, logger, type Client } from "@colyseus/core";
import { ChatHistory } from "../chat/history";
import { generateName, seededRng } from "../shared/game";
import { parseChat, parseChatOptions, type ChatJoin } from "../shared/parse";
import {
  CHAT_HISTORY_KEEP,
  CHAT_HISTORY_ON_JOIN,
  CHAT_MAX_MEMBERS,
  ClientMessage,
  JOIN_INVALID_OPTIONS,
  ServerMessage,
  type ChatHistory as ChatHistoryPayload,
  type ChatLine,
  type ChatLineKind,
} from "../shared/protocol";
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
    this.onMessage(ClientMessage.chat, (client, payload: unknown) => this.onChat(client, payload));
    this.onMessage("*", refuseUnknownType);
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
    if (await cameBack(this, client, consented)) return;
    const member = this.state.members.get(client.sessionId);
    this.state.members.delete(client.sessionId);
    if (member) this.post("system", "", "", `${member.name} left`);
  }

  onUncaughtException(error: Error, methodName: string) {
    logger.error(`chat ${this.roomId}: ${methodName} threw`, error);
  }

  private onChat(client: ChatClient, payload: unknown) {
    const member = this.state.members.get(client.sessionId);
    if (!member) return;
    const chat = parseChat(payload);
    if (!chat.ok) return refuse(client, ClientMessage.chat, chat.code, chat.message);
    this.post("user", member.name, client.sessionId, chat.value.text);
  }

  /** Numbers a line, keeps it in the history and relays it to every member. */
  private post(kind: ChatLineKind, name: string, sessionId: string, text: string) {
    const line: ChatLine = { id: this.nextLineId++, kind, name, sessionId, text, time: Date.now() };
    this.history.append(line);
    this.broadcast(ServerMessage.chat, line);
  }
}

import { ServerError, matchMaker, type AuthContext, type Client } from "@colyseus/core";
import { logger } from "../log";
import { playerIdOf, type Identity } from "../auth/identity";
import { CatchUp } from "../chat/catchUp";
import { MemoryChatHistory, chatTopic, lineBytes, newestWithin, type ChatDraft, type ChatHistory } from "../chat/history";
import { PresenceLines } from "../chat/presenceLines";
import { Resumes } from "../chat/resume";
import { floodKeyOf } from "../chat/floodKey";
import { admits, isBattleChannel } from "../chat/battleTickets";
import { Mutes, parseMuteSeconds, type ModerationResult } from "../chat/moderation";
import { erasePlayerLines, exportPlayerLines, type EraseResult, type ExportResult } from "../chat/retention";
import { settings } from "../config";
import { generateName, seededRng } from "../shared/game";
import { NamesInUse, uniqueName } from "../shared/names";
import { parseChat, parseChatOptions, parseResume, type ChatJoin } from "../shared/parse";
import { CHAT_HISTORY_CHANNELS_MAX, CHAT_HISTORY_REPLY_MAX_BYTES, CHAT_HISTORY_REPLY_MAX_LINES, CHAT_MAX_MEMBERS } from "../shared/limits";
import { CHAT_HISTORY_KEEP, CHAT_HISTORY_ON_JOIN } from "../shared/tuning";
import {
  CLOSE_KICKED,
  JOIN_NOT_A_MEMBER,
  RefusalCode,
  RoomName,
  type ChatLine,
  type ChatPayload,
  type ChatResumePayload,
} from "../shared/wire";
import { countChatLine } from "../ops/metrics";
import { guardedRoom } from "./guardedRoom";
import { refuse } from "./refuse";
import type { HandlerTable, Outcome } from "./messages";
import { cameBack, watchProtocolErrors } from "./reconnect";
import { RoomSubscriptions } from "./roomSubscriptions";
import { evict } from "./seats";
import { ChatState, Member } from "./schema/ChatState";

/** What the sender of a line the chat store could not keep is told (RefusalCode.notSaved). */
const NOT_SAVED = "your line was not sent (the chat store is unreachable): say it again";

/** What the chat adds to `client.auth`: what the member's floods are counted by (chat/floodKey.ts). */
type FloodKeyed = { floodKey: string };
/** `client.auth`: the join options, who the member is, and its flood key. */
type ChatAuth = ChatJoin & Identity & FloodKeyed;
type ChatClient = Client<unknown, ChatAuth>;

/**
 * One room per channel (the room is defined with `filterBy(["channel"])`). Lines are numbered and
 * kept by the history, which publishes them on the channel's topic; the room relays what it hears.
 */
export class ChatRoom extends guardedRoom<"chat", ChatJoin, FloodKeyed>(RoomName.chat, parseChatOptions)<ChatState> {
  /** Shared by every chat room of the process; app.config puts the Redis history here when configured. */
  static history: ChatHistory = new MemoryChatHistory(
    { lines: CHAT_HISTORY_KEEP, channels: CHAT_HISTORY_CHANNELS_MAX },
    (topic, line) => matchMaker.presence.publish(topic, line),
  );

  state = new ChatState();
  maxClients = CHAT_MAX_MEMBERS;
  private rng = seededRng(Math.floor(Math.random() * 2 ** 32));
  /** Keyed by player id, so leaving and joining again does not lift a mute. */
  private mutes!: Mutes;
  /** Members being kicked: their leave is final, no reconnection. */
  private kicked = new Set<string>();
  /** The keys of the members' names, so a join finds a look-alike in O(1). */
  private names = new NamesInUse();
  private catchUp = new CatchUp(CHAT_HISTORY_KEEP);
  private subscriptions = new RoomSubscriptions(matchMaker.presence);
  private resumes = new Resumes(this.clock);
  /** Join and leave lines, throttled per channel and per identity. */
  private presenceLines = new PresenceLines();
  /** Id of the last line relayed: where a reconnected member that never says `resume` resumes. */
  private lastLineId = 0;

  readonly messages: HandlerTable<"chat", ChatClient> = {
    chat: { parse: parseChat, bucket: "chat", handle: (client, chat) => this.onChat(client, chat) },
    resume: { parse: parseResume, bucket: "resume", handle: (client, resume) => this.onResume(client, resume) },
  };

  /** The base's checks (join options, token), then a battle channel's ticket, before a seat is reserved. */
  static async onAuth(token: string | undefined, options: unknown, context: AuthContext): Promise<ChatAuth> {
    const auth = await super.onAuth(token, options, context);
    if (isBattleChannel(auth.channel) && !(await admits(matchMaker.presence, auth.channel, auth.ticket))) {
      throw new ServerError(JOIN_NOT_A_MEMBER, "this battle's chat is for its players: join the battle first");
    }
    return { ...auth, floodKey: floodKeyOf(auth, context) };
  }

  protected async create(options: ChatJoin) {
    this.state.channel = options.channel;
    this.mutes = new Mutes(this.presence);
    void this.setMetadata({ channel: options.channel });
    // A battle's channel would reveal the battle's id in the lobby's room list (private ones too).
    if (isBattleChannel(options.channel)) this.listing.unlisted = true;
    await this.subscriptions.subscribe<ChatLine>(chatTopic(this.state.channel), (line) => this.relay(line));
  }

  onJoin(client: ChatClient, _options: unknown, auth: ChatAuth) {
    watchProtocolErrors(client);
    // The same player joining again (another tab or device) takes its seat over quietly.
    const previous = this.seats.claim(auth.playerId, client.sessionId);
    const replaced = previous !== undefined ? this.state.members.get(previous) : undefined;
    if (replaced) {
      this.names.delete(replaced.name);
      this.state.members.delete(previous!);
    }
    const member = new Member();
    member.name = uniqueName(auth.name ?? generateName(this.rng), this.names);
    this.names.add(member.name);
    member.playerId = auth.playerId;
    this.state.members.set(client.sessionId, member);
    // Leaving and joining again does not buy a fresh chat burst.
    this.limits.adopt(client.sessionId, auth.floodKey);
    void this.sendHistory(client, auth.since);
    if (previous !== undefined) return evict(this, previous);
    void this.announce(client, `${member.name} joined`);
  }

  /** Kicked members too leave for good. */
  protected isFinalLeave(client: ChatClient): boolean {
    const kicked = this.kicked.delete(client.sessionId);
    return super.isFinalLeave(client) || kicked;
  }

  /** Leaving and joining again does not buy a fresh chat burst: buckets are kept by flood key. */
  protected limitsKeptAs(client: ChatClient): string | undefined {
    return client.auth?.floodKey;
  }

  protected left(client: ChatClient) {
    this.catchUp.forget(client.sessionId);
    this.resumes.forget(client.sessionId);
    const member = this.state.members.get(client.sessionId);
    this.state.members.delete(client.sessionId);
    if (!member) return;
    this.names.delete(member.name);
    void this.announce(client, `${member.name} left`);
  }

  async onDispose() {
    await this.subscriptions.dispose();
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
    // A guest's id is new at every join: its address is muted too, or rejoining would lift the mute.
    const guest = this.clients.find((c) => playerIdOf(c) === playerId && c.auth?.guest);
    if (guest?.auth) this.mutes.mute(guest.auth.floodKey, duration, Date.now());
    return { ok: true };
  }

  /** `member`: a member's sessionId, or the player id of a muted player (who may have left). */
  unmute(member: unknown): ModerationResult {
    const playerId = this.resolveMember(member) ?? member;
    if (typeof playerId !== "string" || !this.mutes.unmute(playerId)) return { ok: false, reason: "not muted" };
    const guest = this.clients.find((c) => playerIdOf(c) === playerId && c.auth?.guest);
    if (guest?.auth) this.mutes.unmute(guest.auth.floodKey);
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

  /** Chat data (monitor room-call API): one player's kept lines in every channel, not only this one. */
  exportLinesOf(playerId: unknown): Promise<ExportResult> {
    return exportPlayerLines(ChatRoom.history, playerId);
  }

  /** Chat data: erases one player's kept lines in every channel (docs/operating.md "Chat data"). */
  eraseLinesOf(playerId: unknown): Promise<EraseResult> {
    return erasePlayerLines(ChatRoom.history, playerId);
  }

  /** Holds the member's lines while it is away; true when it came back with its reconnection token. */
  protected async waitForReconnection(client: ChatClient): Promise<boolean> {
    const { sessionId } = client;
    this.resumes.dropped(sessionId, this.lastLineId);
    this.catchUp.hold(sessionId);
    if (!(await cameBack(this, client, false))) return false;
    this.resumes.cameBack(sessionId, (since) => {
      const back = this.clients.getById(sessionId);
      if (back) void this.sendHistory(back, since);
    });
    return true;
  }

  private async onChat(client: ChatClient, chat: ChatPayload): Promise<Outcome> {
    // Taken before the mute lookup: a line sent just before leaving is still said.
    const member = this.state.members.get(client.sessionId);
    if (!member) return;
    // The mute lookup reads presence: with Redis down too long it fails, and the line is not said.
    const mutedMs = await this.mutedMs(client).catch(() => undefined);
    if (mutedMs === undefined) return { ok: false, code: RefusalCode.notSaved, message: NOT_SAVED };
    if (mutedMs > 0) return { ok: false, code: RefusalCode.muted, message: `you are muted for ${Math.ceil(mutedMs / 1000)} s` };
    const { sessionId } = client;
    const draft: ChatDraft = { kind: "user", name: member.name, sessionId, playerId: playerIdOf(client), text: chat.text, time: Date.now() };
    const maxBytes = settings().chatHistory.lineBytes;
    if (lineBytes(draft) > maxBytes) return { ok: false, code: RefusalCode.textTooLong, message: `chat line must be at most ${maxBytes} bytes` };
    this.post(draft);
  }

  /** A "joined"/"left" line, unless the member is muted or its identity or the channel is over its allowance. */
  private async announce(client: ChatClient, text: string) {
    if ((await this.mutedMs(client)) > 0) return;
    if (!this.presenceLines.allow(client.auth?.floodKey ?? client.sessionId)) return;
    this.post({ kind: "system", name: "", sessionId: "", playerId: "", text, time: Date.now() });
  }

  private async mutedMs(client: ChatClient): Promise<number> {
    const now = Date.now();
    const keys = [playerIdOf(client), ...(client.auth?.guest ? [client.auth.floodKey] : [])];
    return Math.max(0, ...(await Promise.all(keys.map((key) => this.mutes.remainingMs(key, now)))));
  }

  /** The player id of a member named by sessionId or by player id. */
  private resolveMember(member: unknown): string | undefined {
    if (typeof member !== "string") return undefined;
    const bySession = this.state.members.get(member);
    if (bySession) return bySession.playerId;
    for (const m of this.state.members.values()) if (m.playerId === member) return member;
    return undefined;
  }

  private onResume(client: ChatClient, resume: ChatResumePayload): Outcome {
    // Only once, right after a reconnection: otherwise a few bytes would buy the whole history again
    // and again, and a late resume would repeat lines the fallback already sent.
    if (!this.resumes.takeResume(client.sessionId)) {
      return { ok: false, code: RefusalCode.invalidPayload, message: "resume is only accepted once, right after a reconnection" };
    }
    void this.sendHistory(client, resume.since);
  }

  /**
   * One `history` message: every kept line after `since`, or the latest CHAT_HISTORY_ON_JOIN when
   * undefined. Live lines wait until it is sent, so none is missed, repeated or out of order.
   */
  private async sendHistory(client: ChatClient, since: number | undefined) {
    const turn = this.catchUp.hold(client.sessionId);
    const limit = since === undefined ? CHAT_HISTORY_ON_JOIN : CHAT_HISTORY_REPLY_MAX_LINES;
    let lines: ChatLine[] = [];
    try {
      lines = newestWithin(await ChatRoom.history.after(this.state.channel, since ?? 0, limit), limit, CHAT_HISTORY_REPLY_MAX_BYTES);
    } catch (error) {
      logger.error({ err: error, roomId: this.roomId, channel: this.state.channel }, "could not read the chat history");
    }
    // Left meanwhile, or dropped and came back again: that reconnection has its own catch-up.
    if (!this.catchUp.isHeld(client.sessionId, turn)) return;
    this.resumes.caughtUp(client.sessionId);
    const caughtUp = this.catchUp.release(client.sessionId, since ?? 0, lines);
    this.send(client, "history", { lines: caughtUp.history });
    for (const line of caughtUp.live) this.send(client, "chat", line);
  }

  /** Hands a line to the history, which numbers it and publishes it to every room of the channel. */
  private post(draft: ChatDraft) {
    ChatRoom.history
      .append(this.state.channel, draft)
      .catch((error) => {
        logger.error({ err: error, roomId: this.roomId, channel: this.state.channel }, "could not keep a chat line");
        // Lines are relayed once kept, so nobody saw this one: its sender must know.
        const sender = draft.sessionId ? this.clients.getById(draft.sessionId) : undefined;
        if (sender) refuse(sender, "chat", RefusalCode.notSaved, NOT_SAVED);
      });
  }

  private relay(line: ChatLine) {
    this.lastLineId = line.id;
    const skip = this.catchUp.skipFor(line);
    const except = skip.size > 0 ? this.clients.filter((client) => skip.has(client.sessionId)) : undefined;
    this.broadcast("chat", line, except ? { except } : undefined);
    countChatLine(line.kind);
  }
}

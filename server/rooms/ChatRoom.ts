import { ServerError, matchMaker, type AuthContext, type Client } from "@colyseus/core";
import { playerIdOf, type Identity } from "../auth/identity";
import { admits, isBattleChannel } from "../chat/battleTickets";
import { CatchUp } from "../chat/catchUp";
import { HistoryReplies } from "../chat/historyReplies";
import { floodKeyOf } from "../chat/floodKey";
import { chatTopic, lineBytes, type ChatDraft } from "../chat/history";
import { fileReport, Moderation, Mutes, type ModeratedClient, type ModerationResult } from "../chat/moderation";
import { PresenceLines, systemLine } from "../chat/presenceLines";
import { Resumes } from "../chat/resume";
import { erasePlayerLines, exportPlayerLines, type EraseResult, type ExportResult } from "../chat/retention";
import { JOIN_NOT_A_MEMBER, JOIN_OTHER_CHANNEL, RefusalCode } from "../shared/codes";
import { generateName, seededRng } from "../shared/game";
import { CHAT_MAX_MEMBERS } from "../shared/limits";
import type { ServerMessages } from "../shared/messages";
import { NamesInUse, uniqueName } from "../shared/names";
import { parseChatOptions, type ChatJoin } from "../shared/parse";
import { RoomName, SystemLineCode, type ChatLine, type ChatPayload, type ChatResumePayload } from "../shared/payloads";
import { CHAT_HISTORY_KEEP } from "../shared/tuning";
import { guardedRoom, type Addressed } from "./guardedRoom";
import type { Handlers, Outcome } from "./messages";
import { refuse } from "./refuse";
import { RoomSubscriptions } from "./roomSubscriptions";
import { ChatState, Member } from "./schema/ChatState";
import { roomAttributes } from "./traced";
import { ATTR_MESSAGING_DESTINATION_NAME, ATTR_MESSAGING_MESSAGE_ID, ATTR_MESSAGING_OPERATION_TYPE, ATTR_MESSAGING_SYSTEM } from "../telemetry/tracing";
import { contextOf, SpanKind, TRACEPARENT_FIELD, type Carrying } from "../telemetry/tracing";

/** What the sender of a line the chat store could not keep is told (RefusalCode.notSaved). */
const NOT_SAVED = "your line was not sent (the chat store is unreachable): say it again";

/** Why members are asked to move (the `move` message's reason, for logs; clients show their own words). */
const MOVE_REASON = "this server is draining for a deploy: join the channel again";

/** What the chat adds to `client.auth`: what the member's floods are counted by (chat/floodKey.ts). */
type FloodKeyed = { floodKey: string };
/** `client.auth`: the join options, who the member is, and its flood key. */
type ChatAuth = ChatJoin & Identity & Addressed & FloodKeyed;
type ChatClient = Client<unknown, ChatAuth>;

/**
 * One room per channel (the room is defined with `filterBy(["channel"])`). Lines are numbered and
 * kept by the history, which publishes them on the channel's topic; the room relays what it hears.
 */
export class ChatRoom extends guardedRoom<"chat", ChatJoin, FloodKeyed>(RoomName.chat, parseChatOptions)<ChatState> {
  state = new ChatState();
  maxClients = CHAT_MAX_MEMBERS;
  private rng = seededRng(Math.floor(Math.random() * 2 ** 32));
  /** Mutes (by player id, so leaving and joining again does not lift one) and kicks (server/chat/moderation.ts). */
  private moderation!: Moderation;
  /** The keys of the members' names, so a join finds a look-alike in O(1). */
  private names = new NamesInUse();
  private catchUp = new CatchUp(CHAT_HISTORY_KEEP);
  /** The channel's line relay: the chat Redis for a public channel, the region's presence for a battle's. */
  private subscriptions: RoomSubscriptions<ChatLine> | undefined;
  private resumes = new Resumes(this.clock);
  private replies = new HistoryReplies({
    read: (since, limit) => this.ctx.chat.history.after(this.state.channel, since, limit),
    keptLines: this.ctx.settings.chatHistory.lines,
    catchUp: this.catchUp,
    resumes: this.resumes,
    clock: this.clock,
    history: (sessionId, payload) => this.toMember(sessionId, "history", payload),
    live: (sessionId, line) => this.toMember(sessionId, "chat", line),
    readFailed: (err) => this.ctx.log.error({ err, roomId: this.roomId, channel: this.state.channel }, "could not read the chat history"),
  });
  /** Join and leave lines, throttled per channel and per identity. */
  private presenceLines = new PresenceLines();
  /** Id of the last line relayed: where a reconnected member that never says `resume` resumes. */
  private lastLineId = 0;

  readonly messages: Handlers<"chat", ChatClient> = {
    chat: (client, chat) => this.onChat(client, chat),
    resume: (client, resume) => this.onResume(client, resume),
    historyMore: (client) => (this.replies.more(client.sessionId) ? undefined : { ok: false, code: RefusalCode.invalidPayload, message: "no history page is waiting" }),
    report: async (client, { lineId }) =>
      (await fileReport(this.ctx, this.state.channel, lineId, { playerId: playerIdOf(client), name: this.nameOf(client), floodKey: client.auth?.floodKey ?? client.sessionId })) ??
      this.send(client, "reported", { lineId }),
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
    this.moderation = new Moderation(
      {
        playerIdOf: (sessionId) => this.state.members.get(sessionId)?.playerId,
        hasPlayer: (playerId) => [...this.state.members.values()].some((member) => member.playerId === playerId),
        clients: () => this.clients.map((client) => this.moderated(client)),
      },
      new Mutes(this.ctx.chat.mutes),
    );
    // A battle's channel admits its ticket holders only: private in the monitor, and unlisted, as it
    // would reveal the battle's id in the lobby's room list (private ones too).
    const battle = isBattleChannel(options.channel);
    void this.setMetadata({ channel: options.channel, visibility: battle ? "private" : "public" });
    if (battle) this.listing.unlisted = true;
    this.subscriptions = new RoomSubscriptions(this.ctx.chat.relayFor(options.channel));
    await this.subscriptions.subscribe(chatTopic(this.state.channel), (line) => this.relay(line));
  }

  onJoin(client: ChatClient, _options: unknown, auth: ChatAuth) {
    // onAuth checked a battle channel's ticket against the channel the options name: it must be this one.
    if (auth.channel !== this.state.channel) throw new ServerError(JOIN_OTHER_CHANNEL, "this chat room is another channel: join a channel by its own name");
    this.reconnections.watch(client);
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
    void this.replies.send(client.sessionId, auth.since, 1);
    if (previous !== undefined) return this.evict(previous);
    void this.announce(client, SystemLineCode.joined, member.name);
  }

  /** Kicked members too leave for good. */
  protected isFinalLeave(client: ChatClient): boolean {
    const kicked = this.moderation.takeKicked(client.sessionId);
    return super.isFinalLeave(client) || kicked;
  }

  /** Leaving and joining again does not buy a fresh chat burst: buckets are kept by flood key. */
  protected limitsKeptAs(client: ChatClient): string | undefined {
    return client.auth?.floodKey;
  }

  protected left(client: ChatClient) {
    this.catchUp.forget(client.sessionId);
    this.resumes.forget(client.sessionId);
    this.replies.stop(client.sessionId);
    const member = this.state.members.get(client.sessionId);
    this.state.members.delete(client.sessionId);
    if (!member) return;
    this.names.delete(member.name);
    void this.announce(client, SystemLineCode.left, member.name);
  }

  async onDispose() {
    await this.subscriptions?.dispose();
  }

  // Moderation, through the monitor's room-call API (docs/operating.md): `member` is a member's
  // sessionId or player id; a mute holds the player id, so it outlasts a rejoin.

  /** Mutes a member for `seconds` (default MUTE_MAX_S): its chat is refused meanwhile. */
  mute(member: unknown, seconds?: unknown): ModerationResult {
    return this.moderation.mute(member, seconds);
  }

  /** `member`: a member's sessionId, or the player id of a muted player (who may have left). */
  unmute(member: unknown): ModerationResult {
    return this.moderation.unmute(member);
  }

  /** Disconnects a member with CLOSE_KICKED; everyone sees the usual "left" line. */
  kick(member: unknown): ModerationResult {
    return this.moderation.kick(member);
  }

  /** Chat data (monitor room-call API): one player's kept lines in every channel, not only this one. */
  exportLinesOf(playerId: unknown): Promise<ExportResult> {
    return exportPlayerLines(this.ctx.chat.history, playerId);
  }

  /** Chat data: erases one player's kept lines in every channel (docs/operating.md "Chat data"). */
  eraseLinesOf(playerId: unknown): Promise<EraseResult> {
    return erasePlayerLines(this.ctx.chat.history, playerId, this.ctx.log);
  }

  /** This process drains: the member is asked to join the channel again elsewhere (server/ops/drain.ts). */
  askToMove(client: Client): void {
    this.send(client as ChatClient, "move", { reason: MOVE_REASON });
  }

  /** Holds the member's lines while it is away; true when it came back with its reconnection token. */
  protected async waitForReconnection(client: ChatClient): Promise<boolean> {
    const { sessionId } = client;
    this.resumes.dropped(sessionId, this.lastLineId);
    this.replies.stop(sessionId);
    this.catchUp.hold(sessionId);
    if (!(await this.reconnections.cameBack(client, false))) return false;
    this.resumes.cameBack(sessionId, (since) => {
      const back = this.clients.getById(sessionId);
      if (back) void this.replies.send(back.sessionId, since);
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
    const maxBytes = this.ctx.settings.chatHistory.lineBytes;
    if (lineBytes(draft) > maxBytes) return { ok: false, code: RefusalCode.textTooLong, message: `chat line must be at most ${maxBytes} bytes` };
    this.post(draft);
  }

  /** A "joined"/"left" line, unless the member is muted or its identity or the channel is over its allowance. */
  private async announce(client: ChatClient, code: SystemLineCode, name: string) {
    if ((await this.mutedMs(client)) > 0) return;
    if (!this.presenceLines.allow(client.auth?.floodKey ?? client.sessionId)) return;
    this.post(systemLine(code, name, Date.now()));
  }

  private mutedMs(client: ChatClient): Promise<number> {
    const { guestKey, playerId } = this.moderated(client);
    return this.moderation.mutedMs(playerId, guestKey);
  }

  /** A member as moderation sees it: a guest is also known by its flood key (its address). */
  private moderated(client: ChatClient): ModeratedClient {
    return {
      sessionId: client.sessionId,
      playerId: playerIdOf(client),
      guestKey: client.auth?.guest ? client.auth.floodKey : undefined,
      close: (code, reason) => client.leave(code, reason),
    };
  }

  protected nameOf(client: ChatClient): string {
    return this.state.members.get(client.sessionId)?.name ?? "";
  }

  private onResume(client: ChatClient, resume: ChatResumePayload): Outcome {
    // Only once, right after a reconnection: otherwise a few bytes would buy the whole history again
    // and again, and a late resume would repeat lines the fallback already sent.
    if (!this.resumes.takeResume(client.sessionId)) {
      return { ok: false, code: RefusalCode.invalidPayload, message: "resume is only accepted once, right after a reconnection" };
    }
    void this.replies.send(client.sessionId, resume.since);
  }

  /** Hands a line to the history, which numbers it and publishes it to every room of the channel. */
  private post(draft: ChatDraft) {
    // The history publishes the line with this span's context in it: every process's relay joins the trace.
    this.ctx.tracing
      .span("chat keep", { kind: SpanKind.PRODUCER, attributes: this.chatAttributes("send") }, () => this.ctx.chat.history.append(this.state.channel, draft))
      .catch((error) => {
        this.ctx.log.error({ err: error, roomId: this.roomId, channel: this.state.channel }, "could not keep a chat line");
        // Lines are relayed once kept, so nobody saw this one: its sender must know.
        const sender = draft.sessionId ? this.clients.getById(draft.sessionId) : undefined;
        if (sender) refuse(this, sender, "chat", RefusalCode.notSaved, NOT_SAVED);
      });
  }

  /** The relay of a line published by any process: under a span in the line's trace when it carries one. */
  private relay(published: ChatLine & Carrying) {
    const { [TRACEPARENT_FIELD]: carried, ...line } = published;
    if (carried === undefined || !this.ctx.tracing.on) return this.broadcastLine(line);
    const attributes = { ...this.chatAttributes("process"), [ATTR_MESSAGING_MESSAGE_ID]: String(line.id) };
    this.ctx.tracing.span("chat relay", { kind: SpanKind.CONSUMER, parent: contextOf(carried), attributes }, () => this.broadcastLine(line));
  }

  /** What the chat spans say: the messaging system, the channel, and the room. */
  private chatAttributes(operation: "send" | "process") {
    return {
      [ATTR_MESSAGING_SYSTEM]: this.ctx.settings.regions.chatRedisUrl !== undefined ? "redis" : "memory",
      [ATTR_MESSAGING_OPERATION_TYPE]: operation,
      [ATTR_MESSAGING_DESTINATION_NAME]: chatTopic(this.state.channel),
      ...roomAttributes(this, this.ctx),
    };
  }

  private toMember<K extends "history" | "chat">(sessionId: string, type: K, payload: ServerMessages["chat"][K]) {
    const client = this.clients.getById(sessionId);
    if (client) this.send(client, type, payload);
  }

  private broadcastLine(line: ChatLine) {
    this.lastLineId = line.id;
    const skip = this.catchUp.skipFor(line);
    const except = skip.size > 0 ? this.clients.filter((client) => skip.has(client.sessionId)) : undefined;
    this.broadcast("chat", line, except ? { except } : undefined);
    this.ctx.metrics.countChatLine(line.kind);
  }
}

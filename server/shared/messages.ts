/**
 * The protocol as one declaration. Per room, every client message, keyed by its name, with its
 * parser (whose result type is the payload) and its rate; every server message with its payload
 * type. A message name is written once, here: the name constants, the payload types, the
 * registrar's table (server/rooms/messages.ts), the client's typed send (client/rooms.ts) and the
 * raw-ws baseline's parsing all derive from these records. A client message without a parser or a
 * rate does not compile.
 *
 * Pure: the browser bundle takes it (the parsers are the ones the server runs).
 */
import type { ErrorPayload } from "./codes";
import { parseAttack, parseChat, parseLobbyFilter, parseMove, parseNoPayload, parseReport, parseResume, type Parsed } from "./parse";
import type {
  AttackedEvent,
  BattleChatTicket,
  ChatHistoryPayload,
  ChatLine,
  ChatReportedPayload,
  CreateBattleOptions,
  JoinChatOptions,
  JoinLobbyOptions,
  KillEvent,
  ListedRoom,
  MoveNotice,
  RoomName,
  ShutdownNotice,
} from "./payloads";
import type { RateLimit } from "./tokenBucket";
import { CHAT_CATCH_UP_PAGES_MAX } from "./tuning";

/** A client message: its parser from `unknown`, and the per-client rate it may be sent at. */
export interface ClientMessageSpec<P> {
  parse: (input: unknown) => Parsed<P>;
  /** Over it a message is dropped unread, and the sender gets one `rate_limited` error per run of drops. */
  rate: RateLimit;
  /** Received under a span of its own (docs/operating.md "Tracing"): a chat line, never per-tick input. */
  traced?: true;
}

/** Every room's client messages, each with its parser and rate: what `clientMessages` must satisfy. */
export type ProtocolRecord = { readonly [R in RoomName]: Readonly<Record<string, ClientMessageSpec<unknown>>> };

export const clientMessages = {
  battle: {
    /** One tick of movement intent. One per tick is 20/s, with slack for jitter. */
    move: { parse: parseMove, rate: { perSecond: 30, burst: 30 } },
    /** Attack everyone in range. The cooldown allows 2/s; a little more, so a refused early attack does not also cost a token. */
    attack: { parse: parseAttack, rate: { perSecond: 4, burst: 8 } },
    /** Ask for this battle's chat channel and ticket (answered with `battleChat`): once per join or reconnection. */
    chatTicket: { parse: parseNoPayload, rate: { perSecond: 1, burst: 3 } },
  },
  chat: {
    /** Say something in the channel. */
    chat: { parse: parseChat, rate: { perSecond: 1, burst: 10 }, traced: true },
    /** First message after a reconnection: the id of the last line seen. Each reads the history: a few per reconnection at most. */
    resume: { parse: parseResume, rate: { perSecond: 1, burst: 3 } },
    /** The next page of a catch-up whose `history` said `more` (CHAT_CATCH_UP_PAGES_MAX per catch-up); refused otherwise. */
    historyMore: { parse: parseNoPayload, rate: { perSecond: 5, burst: CHAT_CATCH_UP_PAGES_MAX } },
    /** Report a line to the moderators (answered with `reported`); each player also has REPORTS_PER_PLAYER on the server. */
    report: { parse: parseReport, rate: { perSecond: 1, burst: 5 } },
  },
  lobby: {
    /** Listen to other rooms from now on: answered with the full list for the new filter (at most every LOBBY_FULL_LIST_INTERVAL_MS). */
    filter: { parse: parseLobbyFilter, rate: { perSecond: 1, burst: 3 } },
  },
} as const satisfies ProtocolRecord;

/** The rate of any message type a room does not handle (refused as `unknown_type`). */
export const OTHER_MESSAGES_RATE: RateLimit = { perSecond: 5, burst: 10 };

/** A server message's payload type, held by the record's type only (no value travels). */
export interface Payload<P> {
  readonly payload?: P;
}
const payload = <P>(): Payload<P> => ({});

/** What every room may send. */
const common = {
  /** A message of yours was refused. */
  error: payload<ErrorPayload>(),
  /** The server is shutting down and closes this room soon. */
  shutdown: payload<ShutdownNotice>(),
};

export const serverMessages = {
  battle: {
    ...common,
    /** Someone attacked. */
    attacked: payload<AttackedEvent>(),
    /** Someone died. */
    kill: payload<KillEvent>(),
    /** This battle's chat channel and ticket, answering `chatTicket`. */
    battleChat: payload<BattleChatTicket>(),
  },
  chat: {
    ...common,
    /** One new line. */
    chat: payload<ChatLine>(),
    /** The channel's latest lines, sent once on join (and after a resume). */
    history: payload<ChatHistoryPayload>(),
    /** This process drains: join the channel again, with `since`, to reach another one. */
    move: payload<MoveNotice>(),
    /** A report of yours was recorded for the moderators. */
    reported: payload<ChatReportedPayload>(),
  },
  lobby: {
    ...common,
    /** Every listed room that passes the client's filter. */
    rooms: payload<ListedRoom[]>(),
    /** One room added or changed. */
    "+": payload<[roomId: string, room: ListedRoom]>(),
    /** One room gone, or no longer passing the filter. */
    "-": payload<string>(),
  },
} as const satisfies { readonly [R in RoomName]: Readonly<Record<string, Payload<unknown>>> };

type ParsedBy<S> = S extends { parse: (input: unknown) => Parsed<infer P> } ? P : never;
type Carried<S> = S extends Payload<infer P> ? P : never;

/** Client -> server payload of each message, per room. */
export type ClientMessages = { [R in RoomName]: { [K in keyof (typeof clientMessages)[R]]: ParsedBy<(typeof clientMessages)[R][K]> } };
/** Server -> client payload of each message, per room. */
export type ServerMessages = { [R in RoomName]: { [K in keyof (typeof serverMessages)[R]]: Carried<(typeof serverMessages)[R][K]> } };
/** The messages every room sends. */
export type CommonServerMessages = { [K in keyof typeof common]: Carried<(typeof common)[K]> };
export type ClientMessageName<R extends RoomName> = keyof ClientMessages[R] & string;
export type ServerMessageName<R extends RoomName> = keyof ServerMessages[R] & string;

export interface JoinOptions {
  battle: CreateBattleOptions;
  chat: JoinChatOptions;
  lobby: JoinLobbyOptions;
}

/** Each key of `record` as its own value: `{ move: "move", … }`. */
function namesOf<T extends object>(record: T): { readonly [K in keyof T]: K } {
  return Object.fromEntries(Object.keys(record).map((name) => [name, name])) as { readonly [K in keyof T]: K };
}

/** Every client message name of one room. */
export const ClientMessagesOf = {
  battle: namesOf(clientMessages.battle),
  chat: namesOf(clientMessages.chat),
  lobby: namesOf(clientMessages.lobby),
} as const;
/** Every server message name of one room, for listeners that hear them all. */
export const ServerMessagesOf = {
  battle: namesOf(serverMessages.battle),
  chat: namesOf(serverMessages.chat),
  lobby: namesOf(serverMessages.lobby),
} as const;

/** Client -> server message names of every room (a name means one message in every room). */
export const ClientMessage = { ...ClientMessagesOf.battle, ...ClientMessagesOf.chat, ...ClientMessagesOf.lobby } as const;
export type ClientMessage = (typeof ClientMessage)[keyof typeof ClientMessage];
/** Server -> client message names of every room. */
export const ServerMessage = { ...ServerMessagesOf.battle, ...ServerMessagesOf.chat, ...ServerMessagesOf.lobby } as const;
export type ServerMessage = (typeof ServerMessage)[keyof typeof ServerMessage];

type RatesOf<T> = { readonly [K in keyof T]: RateLimit };
function ratesOf<T extends Readonly<Record<string, ClientMessageSpec<unknown>>>>(specs: T): RatesOf<T> {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.rate])) as RatesOf<T>;
}

/** The rate of each message of `room`, by name, and `other`: what a room's rate limiter enforces. */
export function roomRates(room: RoomName): Readonly<Record<string, RateLimit>> {
  return { ...ratesOf<Readonly<Record<string, ClientMessageSpec<unknown>>>>(clientMessages[room]), other: OTHER_MESSAGES_RATE };
}

/** The rate of each client message of every room, by name, and `other` for types no room handles. */
export const RATE_LIMITS = {
  ...ratesOf(clientMessages.battle),
  ...ratesOf(clientMessages.chat),
  ...ratesOf(clientMessages.lobby),
  other: OTHER_MESSAGES_RATE,
} as const;
/** A rate-limit bucket: a client message name, or `other`. */
export type RateBucket = keyof typeof RATE_LIMITS;

/**
 * The wire: room names, every message each side may send with its payload, refusal and close codes,
 * and the protocol version. The type maps below are the one place a payload type is named: the
 * typed send and receive helpers (server/rooms/messages.ts, client/rooms.ts) read them, so a
 * payload that does not match fails the type check.
 *
 * Imports nothing, so the browser bundle takes it as it is.
 */
/** Bumped whenever a message or state field changes meaning; sent by the client as `protocol` in its join options. */
export const PROTOCOL_VERSION = 1;

export const RoomName = {
  battle: "battle",
  chat: "chat",
  /** Live listing of open battle rooms across every process. */
  lobby: "lobby",
} as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

// ---------------------------------------------------------------------------------------------
// Field formats (what a parser accepts)
// ---------------------------------------------------------------------------------------------

/** Display names: 1..16 visible characters (grapheme clusters) after trimming. */
export const NAME_MAX_CHARS = 16;
/** Channel names: 1..32 of a-z, 0-9, '-' and '_', starting with a letter or digit. */
export const CHANNEL_MAX_CHARS = 32;
export const CHANNEL_PATTERN = new RegExp(`^[a-z0-9][a-z0-9_-]{0,${CHANNEL_MAX_CHARS - 1}}$`);
/** Chat text: 1..500 visible characters after trimming. */
export const CHAT_TEXT_MAX_CHARS = 500;
/**
 * UTF-16 units one visible character rarely exceeds: text longer than this many units per allowed
 * character is refused before any per-character work on a hostile string.
 */
export const UTF16_UNITS_PER_CHAR_MAX = 16;
/**
 * Most combining marks kept on one base character in names and chat, counted across joiners (ZWJ,
 * variation selectors) between them: any script, no "Zalgo" stacks.
 */
export const COMBINING_MARKS_MAX_RUN = 3;
/** Keys a lobby filter's `metadata` may name, and the longest string value it may compare. */
export const LOBBY_FILTER_METADATA_MAX_KEYS = 8;
export const LOBBY_FILTER_VALUE_MAX_CHARS = 64;
/** Highest `seq` a move may carry (Player.lastInput is a uint32). */
export const MAX_SEQ = 0xffff_ffff;
/** Highest tick an `attack` may name (BattleState.tick is a uint32). */
export const MAX_TICK = 0xffff_ffff;
/** Largest line id a client may name in `since` (ids come from a Redis counter per channel). */
export const CHAT_MAX_LINE_ID = Number.MAX_SAFE_INTEGER;
/**
 * A battle's own chat channel is this prefix plus the roomId hex-encoded (room ids are
 * case-sensitive, channels are lower-case); see client/channel.ts.
 */
export const BATTLE_CHANNEL_PREFIX = "battle-";
/**
 * How long the server keeps the seat of a player whose socket dropped (not a deliberate leave):
 * the player stays in the battle (position, HP, score) and in its chat channel, and the client
 * may `reconnect(reconnectionToken)` until then.
 */
export const RECONNECT_SECONDS = 20;

// ---------------------------------------------------------------------------------------------
// Join options
// ---------------------------------------------------------------------------------------------

/** Every room's join options may carry the client's PROTOCOL_VERSION; a different one is refused. */
export interface VersionedOptions {
  protocol?: number;
}
export interface JoinBattleOptions extends VersionedOptions {
  name?: string;
}
export interface CreateBattleOptions extends JoinBattleOptions {
  /** Room capacity, 2..BATTLE_MAX_PLAYERS_LIMIT (default BATTLE_DEFAULT_MAX_PLAYERS). */
  maxPlayers?: number;
  /** A room joined by id only (a shared link): not listed in the lobby, never picked by joinOrCreate. */
  private?: boolean;
}
export interface JoinChatOptions extends VersionedOptions {
  channel: string;
  name?: string;
  /** Id of the last line this client saw: `history` then holds every kept line after it. */
  since?: number;
  /** A battle's channel only: the ticket its battle gave ({@link BattleChatTicket}). */
  ticket?: string;
}
/** Which listed rooms a lobby client hears of: the room type's name, and metadata values that must match. */
export interface LobbyFilter {
  name: RoomName;
  metadata?: Record<string, string | number | boolean>;
}
export interface JoinLobbyOptions extends VersionedOptions {
  /** Absent: every listed room. */
  filter?: LobbyFilter;
}

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

/** `move`: the direction the player wants to go this tick; |(dx, dy)| above 1 is scaled down to 1. */
export interface MovePayload {
  dx: number;
  dy: number;
  /** Positive integer, larger than every earlier move's seq from this client. */
  seq: number;
}
/**
 * `attack`: `{}` or no payload attacks "now"; `{ tick }` names the server tick the attacker's screen
 * showed (its interpolation time), so targets are judged where the attacker saw them (docs/netcode.md).
 */
export interface AttackPayload {
  tick?: number;
}
export interface ChatPayload {
  text: string;
}
/** `resume`: the id of the last chat line the client saw before it lost the connection. */
export interface ChatResumePayload {
  since: number;
}
/** A message that carries nothing (`chatTicket`): no payload, or `{}`. */
export type NoPayload = Record<string, never>;
/**
 * `battleChat` (server -> client, the answer to `chatTicket`): the battle's chat channel and the
 * ticket that admits this player to it. A battle channel is joined with `{ channel, ticket }` only,
 * and is not listed in the lobby: a private battle's chat is for its players.
 */
export interface BattleChatTicket {
  channel: string;
  ticket: string;
}

export interface AttackedEvent {
  /** sessionId of the attacker. */
  by: string;
  x: number;
  y: number;
  /** sessionIds that lost HP. */
  hits: string[];
}
export interface KillEvent {
  killer: string;
  killerName: string;
  victim: string;
  victimName: string;
  /** How long until the victim respawns. */
  respawnInMs: number;
}

export type ChatLineKind = "user" | "system";
export interface ChatLine {
  /** Increases by one with every line of the channel. */
  id: number;
  kind: ChatLineKind;
  /** Author's display name ("" for system lines). */
  name: string;
  /** Author's sessionId ("" for system lines). */
  sessionId: string;
  /** Author's player id: the token's `sub`, or a `guest-` id for a guest ("" for system lines). */
  playerId: string;
  text: string;
  /** Server time, UTC milliseconds since the epoch. */
  time: number;
}
export interface ChatHistory {
  lines: ChatLine[];
}

/** A room as the lobby lists it: the fields of Colyseus's listing a client may see. */
export interface ListedRoom {
  roomId: string;
  name: string;
  clients: number;
  maxClients: number;
  locked: boolean;
  metadata: Record<string, unknown>;
}

/**
 * `shutdown`: sent to every client of every room when the server begins a graceful shutdown. The room
 * keeps running for `inMs`, then closes every connection (close code 4000). Show `reason` to the player.
 */
export interface ShutdownNotice {
  reason: string;
  /** Whether rejoining this same room later can work; false: join again through matchmaking. */
  reconnect: boolean;
  /** Time left before the room closes, in milliseconds. */
  inMs: number;
}

/**
 * Why a message was refused. The sender gets `{ code, message, type }` as an `error` message; the
 * room, the other players and the sender's own state are left as they were.
 */
export const RefusalCode = {
  /** Wrong shape: not an object, a missing, extra or mistyped field, a non-finite number. */
  invalidPayload: "invalid_payload",
  /** A message type this room does not know. */
  unknownType: "unknown_type",
  /** A move whose seq is not larger than the last one received. */
  staleSeq: "stale_seq",
  /** More moves queued than MAX_QUEUED_MOVES: the sender is far ahead of the tick. */
  moveQueueFull: "move_queue_full",
  /** An attack during the cooldown. */
  cooldown: "cooldown",
  /** An attack while dead. */
  dead: "dead",
  /** Chat text empty after trimming. */
  textEmpty: "text_empty",
  /** Chat text over CHAT_TEXT_MAX_CHARS. */
  textTooLong: "text_too_long",
  /** Over the message's rate limit (RATE_LIMITS): the message was dropped unread. */
  rateLimited: "rate_limited",
  /** Chat while muted by a moderator. */
  muted: "muted",
  /** An attack naming a server tick that has not happened yet. */
  futureTick: "future_tick",
  /** A chat line the history could not keep (Redis unreachable for too long): nobody saw it, say it again. */
  notSaved: "not_saved",
  /** The server failed on this message (a bug, logged with the room and session): nothing changed. */
  internalError: "internal_error",
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

/** A parser's or a rule's "no", in one shape: the room forwards it to the sender as an `error`. */
export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** Safe to show to the player. */
  message: string;
}

export interface ErrorPayload {
  code: RefusalCode;
  /** Human-readable reason, safe to show to the player. */
  message: string;
  /** The message type that was refused. */
  type: string;
}

// ---------------------------------------------------------------------------------------------
// The message maps: message name -> payload, per room and direction
// ---------------------------------------------------------------------------------------------

/** Server -> client messages every room sends. */
export interface CommonServerMessages {
  /** A message of yours was refused. */
  error: ErrorPayload;
  /** The server is shutting down and closes this room soon. */
  shutdown: ShutdownNotice;
}

export interface ClientMessages {
  battle: {
    /** One tick of movement intent. */
    move: MovePayload;
    /** Attack everyone in range; no payload is `{}`, "now". */
    attack: AttackPayload;
    /** Ask for this battle's chat channel and ticket (answered with `battleChat`). */
    chatTicket: NoPayload;
  };
  chat: {
    /** Say something in the channel. */
    chat: ChatPayload;
    /** First message after a reconnection: the id of the last line seen. */
    resume: ChatResumePayload;
  };
  lobby: {
    /** Listen to other rooms from now on: answered with the full list for the new filter. */
    filter: LobbyFilter;
  };
}

export interface ServerMessages {
  battle: CommonServerMessages & {
    /** Someone attacked. */
    attacked: AttackedEvent;
    /** Someone died. */
    kill: KillEvent;
    /** This battle's chat channel and ticket, answering `chatTicket`. */
    battleChat: BattleChatTicket;
  };
  chat: CommonServerMessages & {
    /** One new line. */
    chat: ChatLine;
    /** The channel's latest lines, sent once on join (and after a resume). */
    history: ChatHistory;
  };
  lobby: CommonServerMessages & {
    /** Every listed room that passes the client's filter. */
    rooms: ListedRoom[];
    /** One room added or changed. */
    "+": [roomId: string, room: ListedRoom];
    /** One room gone, or no longer passing the filter. */
    "-": string;
  };
}

export interface JoinOptions {
  battle: CreateBattleOptions;
  chat: JoinChatOptions;
  lobby: JoinLobbyOptions;
}

export type ClientMessageName<R extends RoomName> = keyof ClientMessages[R] & string;
export type ServerMessageName<R extends RoomName> = keyof ServerMessages[R] & string;

/** A constant object naming every key of a map, each as itself: a name missing or misspelt fails the type check. */
function namesOf<M>(names: { [K in keyof M]: K }): { readonly [K in keyof M]: K } {
  return names;
}

export const BattleClientMessage = namesOf<ClientMessages["battle"]>({ move: "move", attack: "attack", chatTicket: "chatTicket" });
export const ChatClientMessage = namesOf<ClientMessages["chat"]>({ chat: "chat", resume: "resume" });
export const LobbyClientMessage = namesOf<ClientMessages["lobby"]>({ filter: "filter" });
/** Client -> server message names of every room. */
export const ClientMessage = { ...BattleClientMessage, ...ChatClientMessage, ...LobbyClientMessage } as const;
export type ClientMessage = (typeof ClientMessage)[keyof typeof ClientMessage];

export const BattleServerMessage = namesOf<ServerMessages["battle"]>({
  error: "error",
  shutdown: "shutdown",
  attacked: "attacked",
  kill: "kill",
  battleChat: "battleChat",
});
export const ChatServerMessage = namesOf<ServerMessages["chat"]>({ error: "error", shutdown: "shutdown", chat: "chat", history: "history" });
export const LobbyServerMessage = namesOf<ServerMessages["lobby"]>({ error: "error", shutdown: "shutdown", rooms: "rooms", "+": "+", "-": "-" });
/** Server -> client message names of every room. */
export const ServerMessage = { ...BattleServerMessage, ...ChatServerMessage, ...LobbyServerMessage } as const;
export type ServerMessage = (typeof ServerMessage)[keyof typeof ServerMessage];

/** Every client message name of one room. */
export const ClientMessagesOf = {
  battle: BattleClientMessage,
  chat: ChatClientMessage,
  lobby: LobbyClientMessage,
} as const satisfies { [R in RoomName]: { [K in ClientMessageName<R>]: K } };

/** Every server message name of one room, for listeners that hear them all. */
export const ServerMessagesOf = {
  battle: BattleServerMessage,
  chat: ChatServerMessage,
  lobby: LobbyServerMessage,
} as const satisfies { [R in RoomName]: { [K in ServerMessageName<R>]: K } };

// ---------------------------------------------------------------------------------------------
// Refused joins and closes
// ---------------------------------------------------------------------------------------------

/**
 * `ServerError` code of a join refused for its options (not an object, an unknown key, a bad value).
 * Same number as Colyseus's ErrorCode.INVALID_PAYLOAD; the error's message says which option is wrong.
 */
export const JOIN_INVALID_OPTIONS = 4217;
/** `ServerError` code of a join from a client built for another PROTOCOL_VERSION: the page must be reloaded. */
export const JOIN_PROTOCOL_MISMATCH = 4218;
/** ServerError code of a chat join refused: a battle's channel without a valid ticket of that battle. */
export const JOIN_NOT_A_MEMBER = 4260;

/**
 * `ServerError` codes of a join refused for its token, at matchmaking, before a seat is reserved
 * (colyseus.js rejects the join with this `code` and a message fit to show). After Colyseus's own
 * 4210-4217.
 */
export const AuthRefusal = {
  /** Auth mode is on and the join carried no token (colyseus.js `client.auth.token`). */
  missing: 4230,
  /** Not a JWT: wrong shape, bad base64, bad JSON, too long. */
  malformed: 4231,
  /** The signature does not verify with the server's key, or the algorithm is not the key's. */
  badSignature: 4232,
  /** `exp` has passed. */
  expired: 4233,
  /** `nbf` is still to come. */
  notYetValid: 4234,
  /** `aud` is not AUTH_JWT_AUDIENCE. */
  wrongAudience: 4235,
  /** `iss` is not AUTH_JWT_ISSUER. */
  wrongIssuer: 4236,
  /** A required claim (`sub`, `exp`) is missing or unusable, or the `name` claim is not a valid name. */
  badClaims: 4237,
} as const;
export type AuthRefusal = (typeof AuthRefusal)[keyof typeof AuthRefusal];

/**
 * `ServerError` codes of a join refused by a per-address, per-identity or per-process limit, at
 * matchmaking (colyseus.js rejects the join with this `code`; the message says which limit and is
 * fit to show). After the auth refusals (4230-4237).
 */
export const LimitRefusal = {
  /** This address already holds MAX_SOCKETS_PER_ADDRESS open sockets. */
  socketsPerAddress: 4240,
  /** More than MATCHMAKE_PER_ADDRESS_PER_S matchmaking requests from one address (HTTP 429). */
  matchmakeRate: 4241,
  /** This address created ROOMS_PER_ADDRESS rooms that are still open. */
  roomsPerAddress: 4242,
  /** This player id created ROOMS_PER_IDENTITY rooms that are still open. */
  roomsPerIdentity: 4243,
  /** This process holds MAX_ROOMS_PER_PROCESS rooms: no new room until one closes. */
  roomsPerProcess: 4244,
  /** This address is in CHAT_CHANNELS_PER_ADDRESS chat channels already. */
  chatChannels: 4245,
} as const;
export type LimitRefusal = (typeof LimitRefusal)[keyof typeof LimitRefusal];

/** WebSocket close code for a client disconnected for sustained flooding (4000-4999: ours). */
export const CLOSE_RATE_LIMITED = 4429;
/**
 * Close codes of a client closed for a protocol error: 1002 protocol error, 1007 bad data, 1009 frame
 * too big (ws), 4002 a message Colyseus could not decode or validate. No reconnection seat is kept.
 */
export const PROTOCOL_ERROR_CLOSE_CODES: readonly number[] = [1002, 1007, 1009, 4002];
/** WebSocket close code for a chat member removed by a moderator. */
export const CLOSE_KICKED = 4403;
/**
 * WebSocket close code for a seat taken over by a newer join of the same player id (another tab or
 * device) in the same room: the older connection is closed and must not reconnect.
 */
export const CLOSE_REPLACED = 4409;
/** WebSocket close code for a client that does not read what it is sent (see OUTGOING_MAX_BYTES). */
export const CLOSE_SEND_BACKLOG = 4413;
/** WebSocket close code for a client that never acknowledged JOIN_ROOM (see JOIN_ACK_DEADLINE_MS). */
export const CLOSE_JOIN_UNACKNOWLEDGED = 4408;

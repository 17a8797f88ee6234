/**
 * Every code a client can be refused or closed with: refusals of a message (`error`), refused joins
 * (ServerError codes at matchmaking) and websocket close codes. One table of all of them, with
 * Colyseus's own, is in docs/protocol.md. Imports nothing.
 */

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
  /** A moderator's action named nobody in the channel. */
  noSuchMember: "no_such_member",
  /** A moderator lifted a mute that is not there. */
  notMuted: "not_muted",
  /** A report of a line the channel does not keep (never said, erased, or too old). */
  noSuchLine: "no_such_line",
  /** A report of one's own line. */
  reportSelf: "report_self",
  /** This line was reported by this player already. */
  reportedAlready: "reported_already",
  /** The reports queue holds REPORTS_KEPT_MAX open reports: none is taken until moderators resolve some. */
  reportQueueFull: "report_queue_full",
  /** A moderator's ban when BANS_MAX bans are in force. */
  banListFull: "ban_list_full",
  /** A moderator lifted a ban that is not there. */
  notBanned: "not_banned",
  /** A moderator resolved a report that is not in the queue. */
  noSuchReport: "no_such_report",
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

/** A parser's or a rule's "no", in one shape: the room forwards it to the sender as an `error`. */
export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** Safe to show to the player. */
  message: string;
  /** Refusing join options: the ServerError code that says why in the player's words (JOIN_INVALID_OPTIONS when absent). */
  joinCode?: JoinRefusal;
}

export interface ErrorPayload {
  code: RefusalCode;
  /** Human-readable reason, safe to show to the player. */
  message: string;
  /** The message type that was refused. */
  type: string;
}

/**
 * `ServerError` code of a join refused for its options (not an object, an unknown key, a bad value).
 * Same number as Colyseus's ErrorCode.INVALID_PAYLOAD; the error's message says which option is wrong.
 */
export const JOIN_INVALID_OPTIONS = 4217;
/** `ServerError` code of a join from a client built for another PROTOCOL_VERSION: the page must be reloaded. */
export const JOIN_PROTOCOL_MISMATCH = 4218;
/** ServerError code of a chat join refused: a battle's channel without a valid ticket of that battle. */
export const JOIN_NOT_A_MEMBER = 4260;
/** ServerError code of a join by room id whose `channel` option is not that chat room's own channel. */
export const JOIN_OTHER_CHANNEL = 4261;
/** ServerError code of a reconnection (auth mode) whose token's `sub` is not the player whose seat it names. */
export const JOIN_NOT_YOUR_SEAT = 4262;

/**
 * ServerError code of a join (or a reconnection) refused by a moderator's ban of the player id or of
 * the address. The message ends with the ban's end as an ISO 8601 UTC time, which clients show
 * in the player's own words and time zone. 4270-4279 are moderation's.
 */
export const JOIN_BANNED = 4270;

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
  /**
   * This process is full: it holds MAX_ROOMS_PER_PROCESS rooms, or so many that only public battles
   * may still open (ROOMS_HEADROOM_FRACTION is kept for quick play): no such room until one closes.
   */
  roomsPerProcess: 4244,
  /** This address is in CHAT_CHANNELS_PER_ADDRESS chat channels already. */
  chatChannels: 4245,
  /** This address holds SEAT_RESERVATIONS_PER_ADDRESS reserved seats no socket has claimed yet. */
  seatReservations: 4246,
  /** The process is busy and this address holds its share of the rooms still free (ROOM_SHARE_OF_FREE). */
  roomShare: 4247,
} as const;
export type LimitRefusal = (typeof LimitRefusal)[keyof typeof LimitRefusal];

/**
 * `ServerError` codes of a join refused for a reason the player can act on, each worded by the
 * client in the player's language (4250-4259; after the limit refusals, before JOIN_NOT_A_MEMBER).
 * A name that looks like one in use is never refused: it gets a number (server/shared/names.ts).
 */
export const JoinRefusal = {
  /** The chosen name has no visible character (only spaces, invisible or control characters). */
  nameInvisible: 4250,
  /** The chosen name is longer than NAME_MAX_CHARS visible characters. */
  nameTooLong: 4251,
  /** `joinById`: every seat of the room is taken (Colyseus locks a full room). */
  roomFull: 4252,
  /** `joinById`: no open room has this id (it closed, or the link is wrong). */
  roomGone: 4253,
} as const;
export type JoinRefusal = (typeof JoinRefusal)[keyof typeof JoinRefusal];

/** WebSocket close code for a client disconnected for sustained flooding (4000-4999: ours). */
export const CLOSE_RATE_LIMITED = 4429;
/**
 * Close codes of a client closed for a protocol error: 1002 protocol error, 1007 bad data, 1009 frame
 * too big (ws), 4002 a message Colyseus could not decode or validate. No reconnection seat is kept.
 */
export const PROTOCOL_ERROR_CLOSE_CODES: readonly number[] = [1002, 1007, 1009, 4002];
/**
 * WebSocket close code for a frame outside the protocol, refused before anything decodes it
 * (server/security/wireGuard.ts): empty, a code clients do not send, a payload the protocol does not
 * use (msgpack extensions, nesting past MSGPACK_MAX_DEPTH). Colyseus's own code for an undecodable message.
 */
export const CLOSE_BAD_FRAME = 4002;
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

/**
 * The wire protocol, in one place: room names, message types, payloads, error codes and limits.
 *
 * Server, client, load tests and tests import this module. It imports nothing, so the browser bundle
 * can take it as it is.
 */

/** Bumped whenever a message or state field changes meaning. */
export const PROTOCOL_VERSION = 1;

export const RoomName = {
  battle: "battle",
  chat: "chat",
  /** Colyseus LobbyRoom: live listing of open battle rooms across every process. */
  lobby: "lobby",
} as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

// ---------------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------------

/** The simulation runs at this fixed rate; a state patch goes out right after every tick. */
export const TICK_RATE_HZ = 20;
/** Length of one simulation tick in milliseconds (50 ms). */
export const TICK_MS = 1000 / TICK_RATE_HZ;

// ---------------------------------------------------------------------------------------------
// Battle rules (seed proportions: range 10 and 10 damage against 100 HP on a 100x100 map, x10)
// ---------------------------------------------------------------------------------------------

/**
 * Smallest map in world units; positions are whole units in [0, width] x [0, height]. A bigger
 * arena grows to ARENA_AREA_PER_PLAYER per seat (server/shared/arena.ts).
 */
export const MAP_WIDTH = 1000;
export const MAP_HEIGHT = 1000;
/**
 * World area per seat of a battle room (square units): one player per 100 x 100, so a full arena
 * shows each client about 110 players in its interest block (9 x INTEREST_CELL^2) at any size.
 */
export const ARENA_AREA_PER_PLAYER = 100 * 100;
/** Top speed in world units per second (10 units per tick: 5 s to cross the map). */
export const PLAYER_SPEED_PER_S = 200;
export const MAX_HP = 100;
/** An attack hits every other living player within this distance (world units). */
export const ATTACK_RANGE = 100;
export const ATTACK_DAMAGE = 10;
/** Time between two attacks of one player. */
export const ATTACK_COOLDOWN_MS = 500;
/** Time a dead player waits before respawning with full HP. */
export const RESPAWN_DELAY_MS = 3000;
/** A respawn spot keeps at least this distance from every living player when the map allows it. */
export const SPAWN_CLEARANCE = ATTACK_RANGE;

/** Moves a player may have queued: 500 ms of input at one move per tick. */
export const MAX_QUEUED_MOVES = 10;
/** Queued moves kept as a jitter buffer: only a deeper queue makes a tick apply more than one. */
export const MOVE_QUEUE_BUFFER = 1;
/** Most moves one tick applies while catching up (2: a catching-up player moves at most 2x speed). */
export const MAX_MOVES_PER_TICK = 2;
/**
 * Moves a player may take beyond one per TICK_MS of real time, to make up time a stall lost
 * (a stalled server or network delivers a whole queue at once); at most one queue's worth.
 */
export const MOVE_CATCH_UP_MOVES = MAX_QUEUED_MOVES;
/** The speed limit: no player, honest or not, takes more moves than this in any 1000 ms. */
export const MAX_MOVES_PER_S = 1000 / TICK_MS + MOVE_CATCH_UP_MOVES;
/** Highest `seq` a move may carry (Player.lastInput is a uint32). */
export const MAX_SEQ = 0xffff_ffff;
/** Default and ceiling for a battle room's `maxPlayers` create option. */
export const BATTLE_DEFAULT_MAX_PLAYERS = 16;
/** Smallest `maxPlayers`: a battle needs two. */
export const BATTLE_MIN_PLAYERS = 2;
export const BATTLE_MAX_PLAYERS_LIMIT = 2000;

// ---------------------------------------------------------------------------------------------
// Names and chat
// ---------------------------------------------------------------------------------------------

/**
 * UTF-16 units one visible character rarely exceeds: text longer than this many units per allowed
 * character is refused before any per-character work on a hostile string.
 */
export const UTF16_UNITS_PER_CHAR_MAX = 16;
/** Longest message type repeated back in a refusal or a log line. */
export const SHOWN_TYPE_MAX_CHARS = 32;
/** Display names: 1..16 visible characters (grapheme clusters) after trimming. */
export const NAME_MAX_CHARS = 16;
/** Channel names: 1..32 of a-z, 0-9, '-' and '_', starting with a letter or digit. */
export const CHANNEL_MAX_CHARS = 32;
export const CHANNEL_PATTERN = new RegExp(`^[a-z0-9][a-z0-9_-]{0,${CHANNEL_MAX_CHARS - 1}}$`);
/** Chat text: 1..500 visible characters after trimming. */
export const CHAT_TEXT_MAX_CHARS = 500;
/** Messages a member receives on join. */
export const CHAT_HISTORY_ON_JOIN = 50;
/** Default of CHAT_HISTORY_LINES: the newest lines a channel keeps (join and leave lines apart, below). */
export const CHAT_HISTORY_KEEP = 200;
/** Join and leave lines a channel keeps, in a ring of their own: however many come, they never push out what people said. */
export const CHAT_SYSTEM_LINES_KEEP = 20;
export const CHAT_MAX_MEMBERS = 2000;
/**
 * Default of CHAT_HISTORY_CHANNELS: channels whose history is kept in all, in memory or in Redis
 * (least recently used dropped). Anyone may open a channel, so history memory is bounded by
 * channels x lines x line bytes: 1000 x 200 x 2 KB = 400 MB at worst.
 */
export const CHAT_HISTORY_CHANNELS_MAX = 1000;
/** Default of CHAT_HISTORY_LINE_BYTES: a line over this (its stored JSON, in UTF-8) is refused as too long. */
export const CHAT_LINE_MAX_BYTES = 2048;
/**
 * A channel's first line, and its first after its history was dropped (LRU, TTL, a blank Redis, a
 * restart without Redis), gets id (UTC ms x this) + 1: ids keep increasing, so no client drops a
 * new line as already seen, while fewer than this many lines per millisecond are said.
 */
export const CHAT_IDS_PER_MS = 1000;
/** A `history` reply holds at most this many lines (`since` names where it starts)... */
export const CHAT_HISTORY_REPLY_MAX_LINES = 100;
/** ...and at most this many bytes of lines (newest kept): a 300-byte join cannot buy 600 KB. */
export const CHAT_HISTORY_REPLY_MAX_BYTES = 32 * 1024;

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** Client -> server message types. */
export const ClientMessage = {
  /** Battle: one tick of movement intent. */
  move: "move",
  /** Battle: attack everyone in range. */
  attack: "attack",
  /** Chat: say something in the channel. */
  chat: "chat",
  /** Battle: ask for this battle's chat channel and ticket ({@link BattleChatTicket} comes back as `battleChat`). */
  chatTicket: "chatTicket",
  /** Chat: first message after a reconnection: the id of the last line seen ({@link ChatResumePayload}). */
  resume: "resume",
} as const;
export type ClientMessage = (typeof ClientMessage)[keyof typeof ClientMessage];

/** Server -> client message types. */
export const ServerMessage = {
  /** Any room: a message of yours was refused ({@link ErrorPayload}). */
  error: "error",
  /** Battle: someone attacked ({@link AttackedEvent}). */
  attacked: "attacked",
  /** Battle: someone died ({@link KillEvent}). */
  kill: "kill",
  /** Battle: this battle's chat channel and ticket, answering `chatTicket` ({@link BattleChatTicket}). */
  battleChat: "battleChat",
  /** Chat: one new line ({@link ChatLine}). */
  chat: "chat",
  /** Chat: the channel's latest lines, sent once on join ({@link ChatHistory}). */
  history: "history",
  /** Any room: the server is shutting down and closes this room soon ({@link ShutdownNotice}). */
  shutdown: "shutdown",
} as const;
export type ServerMessage = (typeof ServerMessage)[keyof typeof ServerMessage];

export interface JoinBattleOptions {
  name?: string;
}
export interface CreateBattleOptions extends JoinBattleOptions {
  /** Room capacity, 2..BATTLE_MAX_PLAYERS_LIMIT (default BATTLE_DEFAULT_MAX_PLAYERS). */
  maxPlayers?: number;
  /** A room joined by id only (a shared link): not listed in the lobby, never picked by joinOrCreate. */
  private?: boolean;
}
export interface JoinChatOptions {
  channel: string;
  name?: string;
  /** Id of the last line this client saw: `history` then holds every kept line after it. */
  since?: number;
  /** A battle's channel only: the ticket its battle gave ({@link BattleChatTicket}). */
  ticket?: string;
}

/** `move`: the direction the player wants to go this tick; |(dx, dy)| above 1 is scaled down to 1. */
export interface MovePayload {
  dx: number;
  dy: number;
  /** Positive integer, larger than every earlier move's seq from this client. */
  seq: number;
}
/**
 * `attack`: `{}` or no payload attacks "now"; `{ tick }` names the server tick the attacker's screen
 * showed (its interpolation time), so targets are judged where the attacker saw them (README "Netcode").
 */
export interface AttackPayload {
  tick?: number;
}
export interface ChatPayload {
  text: string;
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
  /** Over the per-type rate limit (RATE_LIMITS): the message was dropped unread. */
  rateLimited: "rate_limited",
  /** Chat while muted by a moderator. */
  muted: "muted",
  /** An attack naming a server tick that has not happened yet. */
  futureTick: "future_tick",
  /** A chat line the history could not keep (Redis unreachable for too long): nobody saw it, say it again. */
  notSaved: "not_saved",
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

export interface ErrorPayload {
  code: RefusalCode;
  /** Human-readable reason, safe to show to the player. */
  message: string;
  /** The message type that was refused. */
  type: string;
}

/**
 * Close/error code of a refused join (invalid join options). Same number as Colyseus's
 * ErrorCode.INVALID_PAYLOAD; the error's message says which option is wrong.
 */
export const JOIN_INVALID_OPTIONS = 4217;

// ---------------------------------------------------------------------------------------------
// Operations (issue 4): shutdown notice
// ---------------------------------------------------------------------------------------------

/**
 * `shutdown`: sent to every player of every room when the server begins a graceful shutdown. The room
 * keeps running for `inMs`, then closes every connection (close code 4000). Show `reason` to the player.
 */
export interface ShutdownNotice {
  reason: string;
  /** Whether rejoining this same room later can work; false: join again through matchmaking. */
  reconnect: boolean;
  /** Time left before the room closes, in milliseconds. */
  inMs: number;
}

// ---------------------------------------------------------------------------------------------
// Hardening (issue 7): rate limits, payload and connection limits, moderation
// ---------------------------------------------------------------------------------------------

/** One message type's allowance: a token bucket refilled at `perSecond`, holding at most `burst`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Per client, per message type. Over the limit a message is dropped unread and the sender gets one
 * `rate_limited` error per burst of drops. Moves: one per tick is 20/s, with slack for jitter.
 */
export const RATE_LIMITS = {
  [ClientMessage.move]: { perSecond: 30, burst: 30 },
  /** The cooldown allows 2/s; a little more so a refused early attack does not also cost a token. */
  [ClientMessage.attack]: { perSecond: 4, burst: 8 },
  [ClientMessage.chat]: { perSecond: 1, burst: 10 },
  /** Each resume reads the channel's history: a few per reconnection at most. */
  [ClientMessage.resume]: { perSecond: 1, burst: 3 },
  /** Any type the room does not handle. */
  other: { perSecond: 5, burst: 10 },
} as const satisfies Record<string, RateLimit>;
export type RateLimitedType = keyof typeof RATE_LIMITS;

/** "joined"/"left" lines one channel posts; past this the member list still shows who came and went. */
export const CHAT_PRESENCE_LINES_PER_CHANNEL: RateLimit = { perSecond: 1, burst: 10 };
/** ...and one identity (player id, or a guest's address): a join/leave loop shows twice a minute at most. */
export const CHAT_PRESENCE_LINES_PER_IDENTITY: RateLimit = { perSecond: 1 / 30, burst: 4 };
/**
 * Identities a chat room remembers buckets of (presence lines; the message buckets of members who
 * left, so rejoining does not refill a fresh chat burst). Least recently used forgotten.
 */
export const CHAT_KEPT_IDENTITIES_MAX = 10_000;

/**
 * Sustained abuse: every dropped message costs one token from a bucket of this size, refilled at
 * this rate. When it runs dry the client is disconnected with {@link CLOSE_RATE_LIMITED}. A flood
 * of 1000 messages/s is cut off within a quarter second; a client 10/s over its limit never is.
 */
export const ABUSE_DROP_BURST = 200;
export const ABUSE_DROP_FORGIVEN_PER_S = 20;

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
 * Outgoing backpressure (server/security/backpressure.ts): bytes waiting to be sent to one client,
 * in the socket's buffer plus what Colyseus queues before the client acknowledges JOIN_ROOM. Over
 * it the client is dropped with {@link CLOSE_SEND_BACKLOG} and keeps no seat. 1 MiB is about 7 s of
 * a 1000-player arena's patches; the kernel's own socket buffers come on top of it.
 */
export const OUTGOING_MAX_BYTES = 1024 * 1024;
/** A client whose waiting bytes stay above OUTGOING_DRAINED_BYTES this long is not keeping up (pongs do not count). */
export const OUTGOING_STALL_MS = 10_000;
/** Waiting bytes at or below this count as drained. */
export const OUTGOING_DRAINED_BYTES = 64 * 1024;
/** A client must acknowledge JOIN_ROOM within this of the server sending it, else {@link CLOSE_JOIN_UNACKNOWLEDGED}. */
export const JOIN_ACK_DEADLINE_MS = 10_000;
/** A dropped client's socket gets this long to deliver its close frame before it is destroyed. */
export const DROP_CLOSE_GRACE_MS = 1000;
/** WebSocket close code for a client that does not read what it is sent (see OUTGOING_MAX_BYTES). */
export const CLOSE_SEND_BACKLOG = 4413;
/** WebSocket close code for a client that never acknowledged JOIN_ROOM (see JOIN_ACK_DEADLINE_MS). */
export const CLOSE_JOIN_UNACKNOWLEDGED = 4408;

/** Largest WebSocket frame the server reads; bigger frames close the sender's connection (1009). */
export const MAX_MESSAGE_BYTES = 4 * 1024;
/** Largest matchmaking request body (the join options as JSON); bigger requests get HTTP 413. */
export const MAX_JOIN_OPTIONS_BYTES = 2 * 1024;
/** Open WebSocket connections one server process accepts; beyond it upgrades get HTTP 503. */
export const MAX_OPEN_SOCKETS = 5000;
/** A seat reserved at matchmaking is released if no socket claims it within this time. */
export const SEAT_RESERVATION_S = 5;
/**
 * Most combining marks kept on one base character in names and chat, counted across joiners (ZWJ,
 * variation selectors) between them: any script, no "Zalgo" stacks.
 */
export const COMBINING_MARKS_MAX_RUN = 3;
/** Longest a moderator's mute lasts; also the default when no duration is given. */
export const MUTE_MAX_S = 24 * 60 * 60;

// ---------------------------------------------------------------------------------------------
// Lobby, reconnection and the browser client
// ---------------------------------------------------------------------------------------------

/**
 * How long the server keeps the seat of a player whose socket dropped (not a deliberate leave):
 * the player stays in the battle (position, HP, score) and in its chat channel, and the client
 * may `reconnect(reconnectionToken)` until then.
 */
export const RECONNECT_SECONDS = 20;
/**
 * A battle's own chat channel is this prefix plus the roomId hex-encoded (room ids are
 * case-sensitive, channels are lower-case); see client/channel.ts.
 */
export const BATTLE_CHANNEL_PREFIX = "battle-";
/**
 * `battleChat` (server -> client, the answer to `chatTicket`): the battle's chat channel and the
 * ticket that admits this player to it. A battle channel is joined with `{ channel, ticket }` only,
 * and is not listed in the lobby: a private battle's chat is for its players.
 */
export interface BattleChatTicket {
  channel: string;
  ticket: string;
}
/** ServerError code of a chat join refused: a battle's channel without a valid ticket of that battle. */
export const JOIN_NOT_A_MEMBER = 4260;

// ---------------------------------------------------------------------------------------------
// Scaling and chat resume (issue 5)
// ---------------------------------------------------------------------------------------------

/** `resume`: the id of the last chat line the client saw before it lost the connection. */
export interface ChatResumePayload {
  since: number;
}
/** Largest line id a client may name in `since` (ids come from a Redis counter per channel). */
export const CHAT_MAX_LINE_ID = Number.MAX_SAFE_INTEGER;
/** A reconnected member who sends no `resume` within this gets the lines relayed since its drop was noticed. */
export const CHAT_RESUME_WAIT_MS = 3000;
/** A channel silent this long loses its Redis history and its ids start again from 1. */
export const CHAT_HISTORY_IDLE_TTL_S = 30 * 24 * 3600;

// ---------------------------------------------------------------------------------------------
// Identity (issue 9): guests, signed tokens, one seat per player id
// ---------------------------------------------------------------------------------------------

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

/** Longest token the server reads; longer ones are refused as malformed before any parsing. */
export const AUTH_TOKEN_MAX_CHARS = 4096;
/** Longest `sub` claim (the player id) accepted. */
export const PLAYER_ID_MAX_CHARS = 128;
/** Clock skew allowed between the token issuer and this server when checking `exp` and `nbf`. */
export const AUTH_CLOCK_TOLERANCE_S = 30;
/**
 * WebSocket close code for a seat taken over by a newer join of the same player id (another tab or
 * device) in the same room: the older connection is closed and must not reconnect.
 */
export const CLOSE_REPLACED = 4409;

// ---------------------------------------------------------------------------------------------
// Netcode (issue 8): lag compensation and interest management
// ---------------------------------------------------------------------------------------------

/**
 * Furthest back an attack is judged: targets are rewound to the tick the attacker's screen showed,
 * but never more than this; an older claim is judged at this age. At 150 ms round trip a claim is
 * 75 ms (patch on its way) + 100 ms (interpolation delay) + 75 ms (attack on its way) = 250 ms old
 * when it arrives; one more tick absorbs rounding and jitter. A bigger cap would let a laggy player
 * hit targets long gone from where everyone else sees them.
 */
export const LAG_COMPENSATION_MAX_MS = 300;
/** The same cap in ticks (6). */
export const LAG_COMPENSATION_MAX_TICKS = LAG_COMPENSATION_MAX_MS / TICK_MS;
/** Ticks of positions the server keeps: the current one plus every tick the cap reaches back to. */
export const POSITION_HISTORY_TICKS = LAG_COMPENSATION_MAX_TICKS + 1;
/**
 * Interest management: the map is cut into square cells of this side (world units); a client gets
 * position, HP and state of the players whose cell is its own cell or one of the 8 around it, and
 * only name, kills and deaths of the others. Every client in one cell shares one view.
 */
export const INTEREST_CELL = 350;
/** A player keeps its cell until it is this far past the cell's edge: no flicker at borders. */
export const INTEREST_HYSTERESIS = 25;
/** Every player this close (on each axis) is always in view: INTEREST_CELL - 2 x INTEREST_HYSTERESIS. */
export const INTEREST_SEEN_WITHIN = INTEREST_CELL - 2 * INTEREST_HYSTERESIS;
/** Highest tick an `attack` may name (BattleState.tick is a uint32). */
export const MAX_TICK = 0xffff_ffff;

// ---------------------------------------------------------------------------------------------
// Performance (load testing and benchmark issue)
// ---------------------------------------------------------------------------------------------

/**
 * Bytes of @colyseus/schema's encode buffers (Encoder.BUFFER_SIZE, default 8 KB). A room's full
 * state above it is encoded twice on every join, with a warning each time; a full battle room
 * (BATTLE_MAX_PLAYERS_LIMIT players at ~50 bytes each) or chat channel fits in this.
 */
export const STATE_BUFFER_BYTES = 128 * 1024;

// ---------------------------------------------------------------------------------------------
// Server limits: per address, per identity and per process (defaults of their settings)
// ---------------------------------------------------------------------------------------------

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

/** Open sockets one address may hold (a household or a school behind one NAT stays under it). */
export const MAX_SOCKETS_PER_ADDRESS = 64;
/** Matchmaking requests one address may make per second, sustained... */
export const MATCHMAKE_PER_ADDRESS_PER_S = 10;
/** ...and in a burst (a page load joins the lobby, a battle and its chat). */
export const MATCHMAKE_PER_ADDRESS_BURST = 20;
/**
 * Open rooms (battles and chat channels) created by one address: beyond it, joinOrCreate only joins
 * and create is refused. Above CHAT_CHANNELS_PER_ADDRESS, so new channels alone never reach it.
 */
export const ROOMS_PER_ADDRESS = 20;
/** Open rooms created by one player id (signed tokens; a guest's id is new with every join). */
export const ROOMS_PER_IDENTITY = 5;
/** Open rooms of one process: beyond it, joinOrCreate only joins and create is refused. */
export const MAX_ROOMS_PER_PROCESS = 500;
/** Chat channels one address may be in at once. */
export const CHAT_CHANNELS_PER_ADDRESS = 16;
/** Addresses whose counters one process keeps; the least recently seen are forgotten beyond it. */
export const TRACKED_ADDRESSES_MAX = 100_000;
/** Largest body of any HTTP request (matchmaking bodies have their own, smaller cap). */
export const MAX_HTTP_BODY_BYTES = 16 * 1024;
/** Wrong admin logins one address may make in ADMIN_LOGIN_WINDOW_S before it gets HTTP 429. */
export const ADMIN_LOGIN_FAILURES_MAX = 5;
export const ADMIN_LOGIN_WINDOW_S = 60;
/** Longest admin user name written to the log (a refused login's name is attacker text). */
export const LOGGED_USER_MAX_CHARS = 32;

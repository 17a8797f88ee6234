/**
 * Server limits: what one process accepts from the network (sockets, frames, bodies, rates) and how
 * much it keeps. Server only; the browser bundle never imports this module. The per-message rates
 * are part of the protocol record (./messages.ts).
 */
import type { RateLimit } from "./tokenBucket";

/**
 * Sustained abuse: every dropped message costs one token from a bucket of this size, refilled at
 * this rate. When it runs dry the client is disconnected with CLOSE_RATE_LIMITED. A flood of 1000
 * messages/s is cut off within a quarter second; a client 10/s over its limit never is.
 */
export const ABUSE_DROP_BURST = 200;
export const ABUSE_DROP_FORGIVEN_PER_S = 20;

/**
 * Outgoing backpressure (server/security/backpressure.ts): bytes waiting to be sent to one client,
 * in the socket's buffer plus what Colyseus queues before the client acknowledges JOIN_ROOM. Over
 * it the client is dropped with CLOSE_SEND_BACKLOG and keeps no seat. 1 MiB is about 7 s of
 * a 1000-player arena's patches; the kernel's own socket buffers come on top of it.
 */
export const OUTGOING_MAX_BYTES = 1024 * 1024;
/** A client whose waiting bytes stay above OUTGOING_DRAINED_BYTES this long is not keeping up (pongs do not count). */
export const OUTGOING_STALL_MS = 10_000;
/** Waiting bytes at or below this count as drained. */
export const OUTGOING_DRAINED_BYTES = 64 * 1024;
/** A client must acknowledge JOIN_ROOM within this of the server sending it, else CLOSE_JOIN_UNACKNOWLEDGED. */
export const JOIN_ACK_DEADLINE_MS = 10_000;
/** A dropped client's socket gets this long to deliver its close frame before it is destroyed. */
export const DROP_CLOSE_GRACE_MS = 1000;

/** Largest WebSocket frame the server reads; bigger frames close the sender's connection (1009). */
export const MAX_MESSAGE_BYTES = 4 * 1024;
/** Largest matchmaking request body (the join options as JSON); bigger requests get HTTP 413. */
export const MAX_JOIN_OPTIONS_BYTES = 2 * 1024;
/** How long a connection whose body was refused stays open, reading nothing, so its client can read the answer. */
export const REFUSED_BODY_LINGER_MS = 500;
/** Open WebSocket connections one server process accepts; beyond it upgrades get HTTP 503. */
export const MAX_OPEN_SOCKETS = 5000;
/** A seat reserved at matchmaking is released if no socket claims it within this time. */
export const SEAT_RESERVATION_S = 5;
/** Longest message type repeated back in a refusal or a log line. */
export const SHOWN_TYPE_MAX_CHARS = 32;

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
/** "joined"/"left" lines one channel posts; past this the member list still shows who came and went. */
export const CHAT_PRESENCE_LINES_PER_CHANNEL: RateLimit = { perSecond: 1, burst: 10 };
/** ...and one identity (player id, or a guest's address): a join/leave loop shows twice a minute at most. */
export const CHAT_PRESENCE_LINES_PER_IDENTITY: RateLimit = { perSecond: 1 / 30, burst: 4 };
/**
 * Identities a chat room remembers buckets of (presence lines; the message buckets of members who
 * left, so rejoining does not refill a fresh chat burst). Least recently used forgotten.
 */
export const CHAT_KEPT_IDENTITIES_MAX = 10_000;
/** A channel silent this long loses its Redis history; its ids then go on above any it gave before (CHAT_IDS_PER_MS). */
export const CHAT_HISTORY_IDLE_TTL_S = 30 * 24 * 3600;

/** Longest token the server reads; longer ones are refused as malformed before any parsing. */
export const AUTH_TOKEN_MAX_CHARS = 4096;
/** Longest `sub` claim (the player id) accepted. */
export const PLAYER_ID_MAX_CHARS = 128;
/** Clock skew allowed between the token issuer and this server when checking `exp` and `nbf`. */
export const AUTH_CLOCK_TOLERANCE_S = 30;

/**
 * Bytes of @colyseus/schema's encode buffers (Encoder.BUFFER_SIZE, default 8 KB). A room's full
 * state above it is encoded twice on every join, with a warning each time; a full battle room
 * (BATTLE_MAX_PLAYERS_LIMIT players at ~50 bytes each) or chat channel fits in this.
 */
export const STATE_BUFFER_BYTES = 128 * 1024;

// Per address, per identity and per process (defaults of their settings); refusals are LimitRefusal

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
/**
 * GET /ping per client address: a page measures every region with 4 samples at load and again when
 * the region picker opens; a burst of 40 covers a few pages behind one address with 4 regions each,
 * and a refused request costs one bucket lookup.
 */
export const PING_PER_ADDRESS: RateLimit = { perSecond: 10, burst: 40 };

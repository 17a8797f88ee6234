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
 * Outgoing backpressure (server/security/backpressure.ts): bytes sent to one client and not yet proven
 * read (in the socket's buffer, in the kernel's, in flight or unread at the client: see READ_PROOF_*),
 * plus what Colyseus queues before the client acknowledges JOIN_ROOM. Over
 * it the client is dropped with CLOSE_SEND_BACKLOG and keeps no seat. 1 MiB is about 7 s of
 * a 1000-player arena's patches; the kernel's socket buffers are inside it, not on top.
 */
export const OUTGOING_MAX_BYTES = 1024 * 1024;
/** A client whose waiting bytes stay above OUTGOING_DRAINED_BYTES this long is not keeping up (pongs do not count). */
export const OUTGOING_STALL_MS = 10_000;
/** Waiting bytes at or below this count as drained. */
export const OUTGOING_DRAINED_BYTES = 64 * 1024;
/** A client must acknowledge JOIN_ROOM within this of the server sending it, else CLOSE_JOIN_UNACKNOWLEDGED. */
export const JOIN_ACK_DEADLINE_MS = 10_000;
/**
 * Proof of reading (server/security/readProof.ts): the server pings every socket this often with a
 * random nonce; only a pong carrying it back proves the client read everything sent before the ping.
 */
export const LIVENESS_PING_MS = 3_000;
/** Pings in a row without their nonce back before the socket is terminated (silent, or not reading). */
export const LIVENESS_MISSED_MAX = 2;
/** Bytes sent without a proof that start a proof ping at once, so a reader of a busy room proves itself often. */
export const READ_PROOF_EVERY_BYTES = 32 * 1024;
/**
 * What Colyseus may queue for one client before it acknowledges JOIN_ROOM (a chat's history reply
 * fits; the lobby sends no list before it), and for all clients of the process at once. Past either
 * the client is dropped with CLOSE_JOIN_UNACKNOWLEDGED.
 */
export const PRE_ACK_QUEUE_BYTES = 64 * 1024;
export const PRE_ACK_QUEUE_TOTAL_BYTES = 16 * 1024 * 1024;
/** Sockets of the process that were sent JOIN_ROOM and have not acknowledged it: past it upgrades get HTTP 503. */
export const MAX_UNACKED_SOCKETS = 500;
/** A dropped client's socket gets this long to deliver its close frame before it is destroyed. */
export const DROP_CLOSE_GRACE_MS = 1000;

/**
 * The wire budget of one connection (server/security/wireGuard.ts), charged before anything decodes
 * a frame: every byte the socket receives (frame headers, fragments, pings included) and every
 * message, ping and pong. Over either the connection is cut off with CLOSE_RATE_LIMITED, as a
 * message flood is. An honest player sends about 25 frames and 2 KB a second (moves at one per
 * tick, pongs, a chat line); RATE_LIMIT_SCALE multiplies these as it does the message rates.
 */
export const WIRE_FRAMES_PER_S = 100;
export const WIRE_FRAME_BURST = 300;
export const WIRE_BYTES_PER_S = 16 * 1024;
/** Ten chat lines of the longest kind at once fit. */
export const WIRE_BYTE_BURST = 64 * 1024;
/**
 * Containers (arrays, maps, records) one client message may nest (server/security/msgpackCheck.ts);
 * the deepest the protocol sends is 2 (a lobby filter's metadata).
 */
export const MSGPACK_MAX_DEPTH = 4;
/** Reads of one msgpackr record in one message: from the 4th msgpackr compiles the record's reader (`new Function`). */
export const MSGPACK_RECORD_READS_MAX = 3;

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
/**
 * Server-side bots one process runs at once (default of MAX_BOTS): each costs CPU every tick, so
 * rooms created to buy bots (a `bots` option of 16 in each) cannot buy more than this many; past it
 * a battle fills with fewer bots or none.
 */
export const MAX_BOTS_PER_PROCESS = 200;
/** Sockets of one address waiting to acknowledge JOIN_ROOM (default of UNACKED_SOCKETS_PER_ADDRESS): past it upgrades get HTTP 429. */
export const UNACKED_SOCKETS_PER_ADDRESS = 8;
/**
 * Seats reserved at matchmaking and not yet claimed by a socket, per address (default of
 * SEAT_RESERVATIONS_PER_ADDRESS): a page load reserves 3 (lobby, battle, chat) and claims them at once.
 */
export const SEAT_RESERVATIONS_PER_ADDRESS = 8;
/**
 * The fair room cap: the last ROOMS_HEADROOM_FRACTION of MAX_ROOMS opens public battles only
 * (quick play can always create one), so private battles and chat channels are refused first; and
 * an address may hold at most ROOM_SHARE_OF_FREE of the rooms still free (at least 1, at most
 * ROOMS_PER_ADDRESS): its share shrinks as the process fills.
 */
export const ROOMS_HEADROOM_FRACTION = 0.1;
export const ROOM_SHARE_OF_FREE = 0.1;
/** Chat channels one address may be in at once. */
export const CHAT_CHANNELS_PER_ADDRESS = 16;
/**
 * Default of IPV6_PREFIX_BITS: an IPv6 client is its /64 in every per-address table (a host or a
 * home network is given a whole /64; its 2^64 addresses are one client).
 */
export const IPV6_PREFIX_BITS = 64;
/**
 * Open HTTP connections (TCP connections not, or not yet, upgraded to a WebSocket) of one process
 * and of one address (defaults of MAX_HTTP_CONNECTIONS and HTTP_CONNECTIONS_PER_ADDRESS). Past
 * either a new connection is closed at once, before Node parses a byte of it. A browser opens at
 * most 6 to one host; a reverse proxy's connections count toward the process's cap only.
 */
export const MAX_HTTP_CONNECTIONS = 2000;
export const HTTP_CONNECTIONS_PER_ADDRESS = 32;
/** A request's headers must be in within this, or it gets 408 and the connection closes (an idle new connection too). */
export const HTTP_HEADERS_TIMEOUT_MS = 10_000;
/** A whole request (headers and body) must be in within this. */
export const HTTP_REQUEST_TIMEOUT_MS = 15_000;
/** An idle keep-alive connection is closed after this. */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How often Node looks for connections past those timeouts (its default, 30 s, would let them run 3 times over). */
export const HTTP_TIMEOUT_CHECK_MS = 1_000;
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

/**
 * The fallback transport (engine.io long polling, server/security/fallback.ts). One POST carries a
 * batch of packets: four full-size messages fit. Its body cap is the front door's for that path and
 * engine.io's maxHttpBufferSize alike.
 */
export const FALLBACK_MAX_BODY_BYTES = 4 * MAX_MESSAGE_BYTES;
/**
 * engine.io's own body limit (maxHttpBufferSize) sits one socket read above the front door's cap:
 * the front door refuses first, with an answer the client gets to read, where engine.io would reset
 * the connection. Each message still meets MAX_MESSAGE_BYTES (server/security/fallbackSocket.ts).
 */
export const FALLBACK_ENGINE_BUFFER_BYTES = FALLBACK_MAX_BODY_BYTES + 64 * 1024;
/** engine.io heartbeat: a session that does not answer within interval + timeout (it stopped polling) is closed like a dropped socket. */
export const FALLBACK_PING_INTERVAL_MS = LIVENESS_PING_MS;
export const FALLBACK_PING_TIMEOUT_MS = 2 * LIVENESS_PING_MS;
/** A polling session's upgrade to a WebSocket must complete within this, else it stays on polling. */
export const FALLBACK_UPGRADE_TIMEOUT_MS = 5_000;

/**
 * Tracing (server/telemetry/tracing.ts): finished spans waiting to be exported, at most this many
 * (OpenTelemetry's default; more are dropped, never buffered without bound), sent in batches of at
 * most TRACE_EXPORT_BATCH_MAX.
 */
export const TRACE_SPANS_QUEUE_MAX = 2048;
export const TRACE_EXPORT_BATCH_MAX = 512;

// Moderation (server/chat/bans.ts, reports.ts, auditLog.ts; the console: server/ops/moderation/)

/** Bans in force at once; past it a new ban is refused (ban_list_full) once expired ones are swept. */
export const BANS_MAX = 10_000;
/**
 * How long a join waits for its ban lookup (ms). Past it, or when the store fails, the join goes on
 * unchecked and a warning is logged: a region that lost the chat Redis keeps seating its battles.
 */
export const BAN_LOOKUP_MS = 500;
/** Longest ban a moderator may give (and the default), in seconds: a year. */
export const BAN_MAX_S = 365 * 24 * 3600;
/** Longest reason kept with a ban, a report's resolution or an audit entry. */
export const MODERATION_REASON_MAX_CHARS = 200;
/**
 * The widest address prefix a ban may name: an IPv4 /16 and an IPv6 /32 (a whole provider at most).
 * An IPv6 prefix longer than IPV6_PREFIX_BITS is that /64: one client is its whole /64.
 */
export const BAN_PREFIX_MIN_BITS_V4 = 16;
export const BAN_PREFIX_MIN_BITS_V6 = 32;
/** Open reports kept; past it new reports are refused (report_queue_full) until moderators resolve some. */
export const REPORTS_KEPT_MAX = 1000;
/** Reports one player (its flood key) may make on one process: a few at once, then one a minute. */
export const REPORTS_PER_PLAYER: RateLimit = { perSecond: 1 / 60, burst: 5 };
/** Lines before and after a reported line kept with the report (and shown around a player's lines in the console). */
export const REPORT_CONTEXT_LINES = 3;
/** Entries of the audit log kept (oldest dropped). */
export const AUDIT_KEPT_MAX = 1000;
/** A player's newest lines the console shows, with their context. */
export const MODERATION_LINES_SHOWN = 50;
/** Longest console search (name or player id), and the players one search lists at most. */
export const SEARCH_QUERY_MAX_CHARS = 64;
export const SEARCH_RESULTS_MAX = 50;
/** Rows of each console list (bans ending soonest, reports and audit entries newest first) one page shows; the rest are counted. */
export const CONSOLE_LIST_ROWS = 100;
/**
 * Console pages and actions per admin address: a search asks every room of every process, a ban or
 * kick tells them all, so a script driving the console cannot take the players' share of the CPU.
 * Over it HTTP 429 with Retry-After.
 */
export const CONSOLE_REQUESTS_PER_ADDRESS: RateLimit = { perSecond: 20, burst: 40 };

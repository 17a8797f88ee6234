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

/** Map size in world units; positions are whole units in [0, MAP_WIDTH] x [0, MAP_HEIGHT]. */
export const MAP_WIDTH = 1000;
export const MAP_HEIGHT = 1000;
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

/** Moves a player may have queued; one is applied per tick, so this is 500 ms of input. */
export const MAX_QUEUED_MOVES = 10;
/** Highest `seq` a move may carry (Player.lastInput is a uint32). */
export const MAX_SEQ = 0xffff_ffff;
/** Default and ceiling for a battle room's `maxPlayers` create option. */
export const BATTLE_DEFAULT_MAX_PLAYERS = 16;
export const BATTLE_MAX_PLAYERS_LIMIT = 2000;

// ---------------------------------------------------------------------------------------------
// Names and chat
// ---------------------------------------------------------------------------------------------

/** Display names: 1..16 visible characters (grapheme clusters) after trimming. */
export const NAME_MAX_CHARS = 16;
/** Channel names: 1..32 of a-z, 0-9, '-' and '_', starting with a letter or digit. */
export const CHANNEL_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const CHANNEL_MAX_CHARS = 32;
/** Chat text: 1..500 visible characters after trimming. */
export const CHAT_TEXT_MAX_CHARS = 500;
/** Messages a member receives on join. */
export const CHAT_HISTORY_ON_JOIN = 50;
/** Messages a channel keeps in memory (the newest). */
export const CHAT_HISTORY_KEEP = 200;
export const CHAT_MAX_MEMBERS = 2000;

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
  /** Chat: one new line ({@link ChatLine}). */
  chat: "chat",
  /** Chat: the channel's latest lines, sent once on join ({@link ChatHistory}). */
  history: "history",
} as const;
export type ServerMessage = (typeof ServerMessage)[keyof typeof ServerMessage];

export interface JoinBattleOptions {
  name?: string;
}
export interface CreateBattleOptions extends JoinBattleOptions {
  /** Room capacity, 2..BATTLE_MAX_PLAYERS_LIMIT (default BATTLE_DEFAULT_MAX_PLAYERS). */
  maxPlayers?: number;
}
export interface JoinChatOptions {
  channel: string;
  name?: string;
}

/** `move`: the direction the player wants to go this tick; |(dx, dy)| above 1 is scaled down to 1. */
export interface MovePayload {
  dx: number;
  dy: number;
  /** Positive integer, larger than every earlier move's seq from this client. */
  seq: number;
}
/** `attack` carries nothing: `{}` or no payload. */
export type AttackPayload = Record<string, never>;
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
// Performance (load testing and benchmark issue)
// ---------------------------------------------------------------------------------------------

/**
 * Bytes of @colyseus/schema's encode buffers (Encoder.BUFFER_SIZE, default 8 KB). A room's full
 * state above it is encoded twice on every join, with a warning each time; a full battle room
 * (BATTLE_MAX_PLAYERS_LIMIT players at ~50 bytes each) or chat channel fits in this.
 */
export const STATE_BUFFER_BYTES = 128 * 1024;

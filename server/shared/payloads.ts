/**
 * What travels on the wire besides the message records (./messages.ts): room names, the protocol
 * version, field formats the parsers enforce, join options and every payload type. Imports nothing,
 * so the browser bundle takes it as it is.
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
/**
 * Most code points in one visible character (grapheme cluster) of a name or chat line. The longest
 * emoji sequences in use (a couple with two skin tones) take 10; 81 emoji joined by ZWJ are one
 * cluster that draws as 81 and never wraps.
 */
export const GRAPHEME_MAX_CODE_POINTS = 10;
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
 * case-sensitive, channels are lower-case); see ./channel.ts.
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
  /** Fill the battle up to this many fighters with bots, 0..BOTS_FILL_TO_MAX (default: the server's BOTS_FILL_TO). */
  bots?: number;
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
/** `report`: a line of this channel a player reports to the moderators. */
export interface ChatReportPayload {
  lineId: number;
}
/** `reported`: the report of this line was recorded. */
export interface ChatReportedPayload {
  lineId: number;
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
/** What a system line says happened, to the member in its `name`; the client words it in its language. */
export const SystemLineCode = { joined: "joined", left: "left" } as const;
export type SystemLineCode = (typeof SystemLineCode)[keyof typeof SystemLineCode];
export interface ChatLine {
  /** Increases with every line of the channel: by one, or further after its history was dropped (never back). */
  id: number;
  kind: ChatLineKind;
  /** System lines: what happened (absent on lines kept from before codes: show `text`). */
  code?: SystemLineCode;
  /** Author's display name; on a system line, the member it is about. */
  name: string;
  /** Author's sessionId ("" for system lines). */
  sessionId: string;
  /** Author's player id: the token's `sub`, or a `guest-` id for a guest ("" for system lines). */
  playerId: string;
  /** The words; on a system line, in English, for clients that do not know its `code`. */
  text: string;
  /** Server time, UTC milliseconds since the epoch. */
  time: number;
}
export interface ChatHistoryPayload {
  /** Oldest first. */
  lines: ChatLine[];
  /** A catch-up longer than one reply: more lines follow, the next page when the client sends `historyMore` (or by itself after CHAT_RESUME_WAIT_MS). */
  more?: true;
  /** Line ids the member missed that the history no longer keeps (or that a catch-up past CHAT_CATCH_UP_PAGES_MAX skips): shown as "some messages are missing". */
  gap?: ChatGap;
}

/** Ids `from`..`to` (inclusive) of lines a member missed and will not get. */
export interface ChatGap {
  from: number;
  to: number;
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
 * `move` (chat): this process is draining for a deploy. Leave the room (consented) and join the same
 * channel again through matchmaking with `since` = the last line id seen: another process takes the
 * channel, and `history` brings every line said meanwhile. Until the client leaves, the room works.
 */
export interface MoveNotice {
  reason: string;
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


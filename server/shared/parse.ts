/**
 * Parsers from `unknown` into fresh, whitelisted, range-checked payloads. Nothing reaches a rule
 * without passing through here. Pure: the client may use them to check input before sending.
 */
import {
  BATTLE_DEFAULT_MAX_PLAYERS,
  BATTLE_MAX_PLAYERS_LIMIT,
  BATTLE_MIN_PLAYERS,
  BOTS_FILL_TO_MAX,
} from "./tuning";
import { JoinRefusal, RefusalCode, type Refusal } from "./codes";
import {
  CHANNEL_MAX_CHARS,
  CHANNEL_PATTERN,
  CHAT_MAX_LINE_ID,
  CHAT_TEXT_MAX_CHARS,
  GRAPHEME_MAX_CODE_POINTS,
  LOBBY_FILTER_METADATA_MAX_KEYS,
  LOBBY_FILTER_VALUE_MAX_CHARS,
  MAX_SEQ,
  MAX_TICK,
  NAME_MAX_CHARS,
  PROTOCOL_VERSION,
  RoomName,
  UTF16_UNITS_PER_CHAR_MAX,
  type AttackPayload,
  type ChatPayload,
  type ChatReportPayload,
  type ChatResumePayload,
  type LobbyFilter,
  type MovePayload,
  type NoPayload,
} from "./payloads";
import { capMarksPerBase, hasVisible, overlongGrapheme, visibleLength } from "./names";

export type Parsed<T> = { ok: true; value: T } | Refusal;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const invalid = <T>(message: string, code: RefusalCode = RefusalCode.invalidPayload): Parsed<T> => ({
  ok: false,
  code,
  message,
});

export function isPlainObject(input: unknown): input is Record<string, unknown> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
  const proto = Object.getPrototypeOf(input);
  return proto === Object.prototype || proto === null;
}

/** Names of fields in `input` that are not in `allowed`, for a precise refusal. */
function extraFields(input: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(input).filter((key) => !allowed.includes(key));
}

function checkFields(input: unknown, allowed: readonly string[], what: string): string | null {
  if (!isPlainObject(input)) return `${what} must be an object`;
  const extra = extraFields(input, allowed);
  if (extra.length > 0) return `${what} has unknown field(s): ${extra.slice(0, 3).join(", ")}`;
  return null;
}

export { visibleLength } from "./names";

// Control characters, and invisible format characters that can spoof text: zero-width space,
// word joiner, BOM, soft hyphen and the bidi overrides/isolates/marks. ZWJ (U+200D) and ZWNJ
// (U+200C) stay: emoji sequences and Persian/Indic scripts need them.
// Also removed: lone surrogates, the combining grapheme joiner, blank "letters" that render as
// nothing (Hangul fillers, Khmer inherent vowels, Mongolian vowel separator, Braille blank),
// interlinear annotation marks, the deprecated format characters (U+206A-206F), the Egyptian,
// shorthand and musical format controls, and the tag and supplementary variation-selector blocks, which can
// carry hidden text (they also drop the tag part of subdivision flags such as England's).
const INVISIBLE =
  /[\p{Cc}\p{Cs}\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u2800\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{13430}-\u{1343F}\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;

/** Removes invisible and control characters, cuts stacks of combining marks, folds runs of white space, trims. */
export function cleanText(text: string): string {
  const cleaned = text
    .replace(/\s+/gu, " ")
    .replace(INVISIBLE, "")
    .replace(/ {2,}/g, " ")
    .trim();
  return capMarksPerBase(cleaned);
}

const OVERLONG_GRAPHEME = `a character may join at most ${GRAPHEME_MAX_CODE_POINTS} code points`;
const invalidName = (message: string): Refusal => ({ ok: false, code: RefusalCode.invalidPayload, message });

/** Display name: absent means "generate one"; present must be 1..NAME_MAX_CHARS visible characters. */
export function parseName(input: unknown): Parsed<string | undefined> {
  if (input === undefined) return ok(undefined);
  if (typeof input !== "string") return invalid("name must be a string");
  // Cheap cap before any per-character work on a hostile string.
  const tooLong: Refusal = { ...invalidName(`name must be at most ${NAME_MAX_CHARS} characters`), joinCode: JoinRefusal.nameTooLong };
  if (input.length > NAME_MAX_CHARS * UTF16_UNITS_PER_CHAR_MAX) return tooLong;
  const name = cleanText(input);
  if (!hasVisible(name)) return { ...invalidName("name must have at least one visible character"), joinCode: JoinRefusal.nameInvisible };
  if (visibleLength(name) > NAME_MAX_CHARS) return tooLong;
  if (overlongGrapheme(name)) return { ...invalidName(OVERLONG_GRAPHEME), joinCode: JoinRefusal.nameTooLong };
  return ok(name);
}

export interface BattleJoin {
  name: string | undefined;
  maxPlayers: number;
  /** Create only: a room joined by id alone, left out of the lobby and of joinOrCreate. */
  private: boolean;
  /** Create only: fighters to fill the battle up to with bots; undefined: the server's BOTS_FILL_TO. */
  bots: number | undefined;
}

/** Join/create options of a battle room: `{ name?, maxPlayers?, private? }`. */
export function parseBattleOptions(input: unknown): Parsed<BattleJoin> {
  const options = input ?? {};
  const wrong = checkFields(options, ["name", "maxPlayers", "private", "bots"], "join options");
  if (wrong) return invalid(wrong);
  const { name, maxPlayers = BATTLE_DEFAULT_MAX_PLAYERS, private: isPrivate = false, bots } = options as Record<string, unknown>;
  const parsedName = parseName(name);
  if (!parsedName.ok) return parsedName;
  if (typeof isPrivate !== "boolean") return invalid("private must be true or false");
  if (!Number.isInteger(maxPlayers) || (maxPlayers as number) < BATTLE_MIN_PLAYERS || (maxPlayers as number) > BATTLE_MAX_PLAYERS_LIMIT) {
    return invalid(`maxPlayers must be a whole number from ${BATTLE_MIN_PLAYERS} to ${BATTLE_MAX_PLAYERS_LIMIT}`);
  }
  if (bots !== undefined && (!Number.isInteger(bots) || (bots as number) < 0 || (bots as number) > BOTS_FILL_TO_MAX)) {
    return invalid(`bots must be a whole number from 0 to ${BOTS_FILL_TO_MAX}`);
  }
  return ok({ name: parsedName.value, maxPlayers: maxPlayers as number, private: isPrivate, bots: bots as number | undefined });
}

export interface ChatJoin {
  channel: string;
  name: string | undefined;
  /** Last line id the client saw; undefined for a first join. */
  since: number | undefined;
  /** A battle channel's ticket (checked by the room against presence). */
  ticket: string | undefined;
}

/** Longest `ticket` join option read. */
const TICKET_OPTION_MAX_CHARS = 64;

/** A line id the client saw: a whole number from 0 to CHAT_MAX_LINE_ID. */
function parseSince(input: unknown, what: string): Parsed<number> {
  if (!Number.isInteger(input) || (input as number) < 0 || (input as number) > CHAT_MAX_LINE_ID) {
    return invalid(`${what} must be a whole number from 0 to ${CHAT_MAX_LINE_ID}`);
  }
  return ok(input as number);
}

/** Join options of a chat room: `{ channel, name?, since? }`. */
export function parseChatOptions(input: unknown): Parsed<ChatJoin> {
  const wrong = checkFields(input, ["channel", "name", "since", "ticket"], "join options");
  if (wrong) return invalid(wrong);
  const { channel, name, since, ticket } = input as Record<string, unknown>;
  if (ticket !== undefined && (typeof ticket !== "string" || ticket.length > TICKET_OPTION_MAX_CHARS)) {
    return invalid(`ticket must be a string of at most ${TICKET_OPTION_MAX_CHARS} characters`);
  }
  if (typeof channel !== "string" || !CHANNEL_PATTERN.test(channel)) {
    return invalid(
      `channel must be 1 to ${CHANNEL_MAX_CHARS} characters of a-z, 0-9, '-' or '_', starting with a letter or digit`,
    );
  }
  const parsedName = parseName(name);
  if (!parsedName.ok) return parsedName;
  const given = { channel, name: parsedName.value, ticket: ticket as string | undefined };
  if (since === undefined) return ok({ ...given, since: undefined });
  const parsedSince = parseSince(since, "since");
  if (!parsedSince.ok) return parsedSince;
  return ok({ ...given, since: parsedSince.value });
}

/** A message of one line id: `resume` `{ since }` (the last line seen), `report` `{ lineId }` (a line of the channel). */
function parseLineIdMessage<K extends string>(input: unknown, field: K, type: string): Parsed<Record<K, number>> {
  const wrong = checkFields(input, [field], type);
  if (wrong) return invalid(wrong);
  const id = parseSince((input as Record<string, unknown>)[field], `${type}.${field}`);
  return id.ok ? ok({ [field]: id.value } as Record<K, number>) : id;
}
export const parseResume = (input: unknown): Parsed<ChatResumePayload> => parseLineIdMessage(input, "since", "resume");
export const parseReport = (input: unknown): Parsed<ChatReportPayload> => parseLineIdMessage(input, "lineId", "report");

/** A message that carries nothing (`chatTicket`): no payload, or `{}`. */
export function parseNoPayload(input: unknown): Parsed<NoPayload> {
  if (input === undefined) return ok({});
  const wrong = checkFields(input, [], "payload");
  return wrong ? invalid(wrong) : ok({});
}

/** `move` `{ dx, dy, seq }`. The direction is scaled down to length 1 by the rules, not here. */
export function parseMove(input: unknown): Parsed<MovePayload> {
  const wrong = checkFields(input, ["dx", "dy", "seq"], "move");
  if (wrong) return invalid(wrong);
  const { dx, dy, seq } = input as Record<string, unknown>;
  if (typeof dx !== "number" || !Number.isFinite(dx) || dx < -1 || dx > 1) {
    return invalid("move.dx must be a number from -1 to 1");
  }
  if (typeof dy !== "number" || !Number.isFinite(dy) || dy < -1 || dy > 1) {
    return invalid("move.dy must be a number from -1 to 1");
  }
  if (!Number.isInteger(seq) || (seq as number) < 1 || (seq as number) > MAX_SEQ) {
    return invalid(`move.seq must be a whole number from 1 to ${MAX_SEQ}`);
  }
  // `+ 0` turns -0 into 0, so nothing downstream sees a negative zero.
  return ok({ dx: dx + 0, dy: dy + 0, seq: seq as number });
}

/**
 * `attack`: no payload or `{}` (now), or `{ tick }`, a whole number from 0 to 2^32-1 (the server tick
 * the attacker's screen showed). Whether the tick has happened yet is for the room to judge.
 */
export function parseAttack(input: unknown): Parsed<AttackPayload> {
  if (input === undefined) return ok({});
  const wrong = checkFields(input, ["tick"], "attack");
  if (wrong) return invalid(wrong);
  const { tick } = input as Record<string, unknown>;
  if (tick === undefined) return ok({});
  if (!Number.isInteger(tick) || (tick as number) < 0 || (tick as number) > MAX_TICK) {
    return invalid(`attack.tick must be a whole number from 0 to ${MAX_TICK}`);
  }
  return ok({ tick: (tick as number) + 0 });
}

/** `chat` `{ text }`: trimmed, invisible characters removed, 1..CHAT_TEXT_MAX_CHARS visible characters. */
export function parseChat(input: unknown): Parsed<ChatPayload> {
  const wrong = checkFields(input, ["text"], "chat");
  if (wrong) return invalid(wrong);
  const { text } = input as Record<string, unknown>;
  if (typeof text !== "string") return invalid("chat.text must be a string");
  const tooLong = `chat.text must be at most ${CHAT_TEXT_MAX_CHARS} characters`;
  if (text.length > CHAT_TEXT_MAX_CHARS * UTF16_UNITS_PER_CHAR_MAX) return invalid(tooLong, RefusalCode.textTooLong);
  const clean = cleanText(text);
  if (!hasVisible(clean)) return invalid("chat.text is empty", RefusalCode.textEmpty);
  if (visibleLength(clean) > CHAT_TEXT_MAX_CHARS) return invalid(tooLong, RefusalCode.textTooLong);
  if (overlongGrapheme(clean)) return invalid(OVERLONG_GRAPHEME, RefusalCode.textTooLong);
  return ok({ text: clean });
}

/** Every room's join options before the room's own parser: an object (absent is `{}`), and the client's protocol. */
export interface VersionedJoin {
  /** The PROTOCOL_VERSION the client claims; undefined when it names none (scripts, tools). */
  protocol: unknown;
  /** The other options, for the room's parser. */
  options: Record<string, unknown>;
}

export function parseVersionedJoin(input: unknown): Parsed<VersionedJoin> {
  const given = input ?? {};
  if (!isPlainObject(given)) return invalid("join options must be an object");
  const { protocol, ...options } = given;
  return ok({ protocol, options });
}

/** True when a join's `protocol` can talk to this server: absent (a client that names none), or PROTOCOL_VERSION. */
export function protocolMatches(protocol: unknown): boolean {
  return protocol === undefined || protocol === PROTOCOL_VERSION;
}

const ROOM_NAMES: readonly string[] = Object.values(RoomName);

/** Lobby `filter` (message or join option) `{ name, metadata? }`: a room type, and a few primitive values to match. */
export function parseLobbyFilter(input: unknown): Parsed<LobbyFilter> {
  const wrong = checkFields(input, ["name", "metadata"], "filter");
  if (wrong) return invalid(wrong);
  const { name, metadata } = input as Record<string, unknown>;
  if (typeof name !== "string" || !ROOM_NAMES.includes(name)) return invalid(`filter.name must be one of ${ROOM_NAMES.join(", ")}`);
  if (metadata === undefined) return ok({ name: name as RoomName });
  if (!isPlainObject(metadata)) return invalid("filter.metadata must be an object");
  const entries = Object.entries(metadata);
  if (entries.length > LOBBY_FILTER_METADATA_MAX_KEYS) return invalid(`filter.metadata may have at most ${LOBBY_FILTER_METADATA_MAX_KEYS} keys`);
  const kept: Record<string, string | number | boolean> = Object.create(null);
  for (const [key, value] of entries) {
    const fine =
      key.length <= LOBBY_FILTER_VALUE_MAX_CHARS &&
      (typeof value === "boolean" ||
        (typeof value === "number" && Number.isFinite(value)) ||
        (typeof value === "string" && value.length <= LOBBY_FILTER_VALUE_MAX_CHARS));
    if (!fine) return invalid(`filter.metadata values must be booleans, finite numbers or strings of at most ${LOBBY_FILTER_VALUE_MAX_CHARS} characters`);
    kept[key] = value as string | number | boolean;
  }
  return ok({ name: name as RoomName, metadata: kept });
}

export interface LobbyJoin {
  filter: LobbyFilter | undefined;
}

/** Join options of the lobby: `{ filter? }`. */
export function parseLobbyOptions(input: unknown): Parsed<LobbyJoin> {
  const wrong = checkFields(input ?? {}, ["filter"], "join options");
  if (wrong) return invalid(wrong);
  const { filter } = (input ?? {}) as Record<string, unknown>;
  if (filter === undefined) return ok({ filter: undefined });
  const parsed = parseLobbyFilter(filter);
  return parsed.ok ? ok({ filter: parsed.value }) : parsed;
}

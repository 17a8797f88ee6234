import { logger } from "../log";
import { PLAYER_ID_MAX_CHARS, type ChatLine } from "../shared/protocol";
import type { ChatHistory } from "./history";

/**
 * Chat data retention and erasure (docs/operating.md "Chat data: what is kept, how long, erasure").
 * Every store keeps lines for at most CHAT_RETENTION_S: reads never return an older line, and a sweep
 * deletes them. An admin can export and erase one player's lines across every channel.
 */

/** How often each process deletes the lines past retention (so a line outlives it by at most this). */
export const RETENTION_SWEEP_MS = 60_000;

/** A kept line with its channel: one entry of a player's export. */
export interface KeptLine {
  channel: string;
  line: ChatLine;
}

/** What retention and erasure need from a history store (memory: history.ts, Redis: redisRetention.ts). */
export interface ChatArchive {
  /** Every kept line of `playerId`, in every channel, oldest first within a channel. */
  linesOf(playerId: string): Promise<KeptLine[]>;
  /** Deletes every kept line of `playerId`, in every channel; resolves with how many. */
  eraseLinesOf(playerId: string): Promise<number>;
  /** Deletes every line said before `cutoffMs` (UTC ms); resolves with how many. */
  dropBefore(cutoffMs: number): Promise<number>;
}

/** A player id from an admin (HTTP or the monitor's room call): a non-empty string of at most PLAYER_ID_MAX_CHARS. */
export function parsePlayerId(value: unknown): { ok: true; value: string } | { ok: false; reason: string } {
  if (typeof value !== "string" || value.length === 0 || value.length > PLAYER_ID_MAX_CHARS) {
    return { ok: false, reason: `playerId must be a string of 1 to ${PLAYER_ID_MAX_CHARS} characters` };
  }
  return { ok: true, value };
}

type LinesByChannel = ReadonlyMap<string, { lines: ChatLine[] }>;

/** Memory store: the kept lines of `playerId` in every channel. */
export function memoryLinesOf(channels: LinesByChannel, playerId: string): KeptLine[] {
  const found: KeptLine[] = [];
  for (const [channel, { lines }] of channels) {
    for (const line of lines) if (line.playerId === playerId) found.push({ channel, line });
  }
  return found;
}

/** Memory store: removes the lines `drop` picks, in place; returns how many. */
export function memoryDrop(channels: LinesByChannel, drop: (line: ChatLine) => boolean): number {
  let dropped = 0;
  for (const kept of channels.values()) {
    const before = kept.lines.length;
    kept.lines = kept.lines.filter((line) => !drop(line));
    dropped += before - kept.lines.length;
  }
  return dropped;
}

/**
 * A history store with retention: reads leave out lines older than `retentionMs`, and every
 * RETENTION_SWEEP_MS the store deletes them. `close()` stops the sweep and closes the store.
 */
export class RetainedHistory implements ChatHistory {
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly store: ChatHistory,
    private readonly retentionMs: number,
    onSweepError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
    sweepEveryMs = RETENTION_SWEEP_MS,
  ) {
    // Process-wide, not a room's: unref'd so it never keeps the process alive.
    this.sweep = setInterval(() => void this.dropExpired().catch(onSweepError), sweepEveryMs).unref();
  }

  append: ChatHistory["append"] = (channel, draft) => this.store.append(channel, draft);

  async after(channel: string, since: number, limit: number): Promise<ChatLine[]> {
    const cutoff = this.now() - this.retentionMs;
    return (await this.store.after(channel, since, limit)).filter((line) => line.time >= cutoff);
  }

  /** Deletes the lines past retention now (the sweep's work). */
  dropExpired(): Promise<number> {
    return this.store.dropBefore(this.now() - this.retentionMs);
  }

  linesOf(playerId: string): Promise<KeptLine[]> {
    return this.store.linesOf(playerId);
  }

  eraseLinesOf(playerId: string): Promise<number> {
    return this.store.eraseLinesOf(playerId);
  }

  dropBefore(cutoffMs: number): Promise<number> {
    return this.store.dropBefore(cutoffMs);
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    await this.store.close();
  }
}

/** `store` with CHAT_RETENTION_S in force; a failed sweep is logged and tried again at the next one. */
export function retainChat(store: ChatHistory, retentionS: number): RetainedHistory {
  return new RetainedHistory(store, retentionS * 1000, (err) => logger.error({ err }, "chat retention sweep failed"));
}

export type ExportResult = { ok: true; playerId: string; lines: KeptLine[] } | { ok: false; reason: string };
export type EraseResult = { ok: true; erased: number } | { ok: false; reason: string };

/** An admin's export of one player's kept lines, every channel (HTTP admin API and monitor room call). */
export async function exportPlayerLines(archive: ChatArchive, playerId: unknown): Promise<ExportResult> {
  const parsed = parsePlayerId(playerId);
  if (!parsed.ok) return parsed;
  return { ok: true, playerId: parsed.value, lines: await archive.linesOf(parsed.value) };
}

/** An admin's erasure of one player's kept lines, every channel. The log line counts them, without the id. */
export async function erasePlayerLines(archive: ChatArchive, playerId: unknown): Promise<EraseResult> {
  const parsed = parsePlayerId(playerId);
  if (!parsed.ok) return parsed;
  const erased = await archive.eraseLinesOf(parsed.value);
  logger.info({ erased }, "chat lines of a player erased");
  return { ok: true, erased };
}

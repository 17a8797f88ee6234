import { RefusalCode, type Refusal } from "../shared/codes";
import { PLAYER_ID_MAX_CHARS } from "../shared/limits";
import type { ChatLine } from "../shared/payloads";
import type { Logger } from "../telemetry/log";
import type { ChatArchive, ChatHistory, KeptLine } from "./history";

/**
 * Chat data retention and erasure (docs/operating.md "Chat data: what is kept, how long, erasure").
 * Every store keeps lines for at most CHAT_RETENTION_S: reads never return an older line, and a sweep
 * deletes them. An admin can export and erase one player's lines across every channel.
 */

/** How often each process deletes the lines past retention (so a line outlives it by at most this). */
export const RETENTION_SWEEP_MS = 60_000;

/** A player id from an admin (HTTP or the monitor's room call): a non-empty string of at most PLAYER_ID_MAX_CHARS. */
export function parsePlayerId(value: unknown): { ok: true; value: string } | Refusal {
  if (typeof value !== "string" || value.length === 0 || value.length > PLAYER_ID_MAX_CHARS) {
    return { ok: false, code: RefusalCode.invalidPayload, message: `playerId must be a string of 1 to ${PLAYER_ID_MAX_CHARS} characters` };
  }
  return { ok: true, value };
}

/**
 * A history store with retention: reads leave out lines older than `retentionMs`, and once started,
 * every RETENTION_SWEEP_MS the store deletes them. `close()` stops the sweep and closes the store.
 */
export class RetainedHistory implements ChatHistory {
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ChatHistory,
    private readonly retentionMs: number,
    private readonly onSweepError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
    private readonly sweepEveryMs = RETENTION_SWEEP_MS,
  ) {}

  /** Starts the sweep (the app's, not a room's: unref'd so it never keeps the process alive). */
  start(): void {
    this.sweep ??= setInterval(() => void this.dropExpired().catch(this.onSweepError), this.sweepEveryMs).unref();
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
    this.sweep = undefined;
    await this.store.close();
  }
}

/** `store` with CHAT_RETENTION_S in force; a failed sweep is logged and tried again at the next one. */
export function retainChat(store: ChatHistory, retentionS: number, log: Logger): RetainedHistory {
  return new RetainedHistory(store, retentionS * 1000, (err) => log.error({ err }, "chat retention sweep failed"));
}

export type ExportResult = { ok: true; playerId: string; lines: KeptLine[] } | Refusal;
export type EraseResult = { ok: true; erased: number } | Refusal;

/** An admin's export of one player's kept lines, every channel (HTTP admin API and monitor room call). */
export async function exportPlayerLines(archive: ChatArchive, playerId: unknown): Promise<ExportResult> {
  const parsed = parsePlayerId(playerId);
  if (!parsed.ok) return parsed;
  return { ok: true, playerId: parsed.value, lines: await archive.linesOf(parsed.value) };
}

/** An admin's erasure of one player's kept lines, every channel. The log line counts them, without the id. */
export async function erasePlayerLines(archive: ChatArchive, playerId: unknown, log: Logger): Promise<EraseResult> {
  const parsed = parsePlayerId(playerId);
  if (!parsed.ok) return parsed;
  const erased = await archive.eraseLinesOf(parsed.value);
  log.info({ erased }, "chat lines of a player erased");
  return { ok: true, erased };
}

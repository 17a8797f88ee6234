/**
 * A chat room's `history` replies: the newest lines on a plain join, and a catch-up in pages
 * (./catchUpPages.ts) after a reconnection or a join with `since`. Live lines wait (./catchUp.ts)
 * until the last page is sent, so every line reaches the member once and in order, or is named in
 * a gap.
 */
import type { Room } from "@colyseus/core";
import type { ChatHistoryPayload, ChatLine } from "../shared/protocol";
import { CHAT_HISTORY_REPLY_MAX_BYTES, CHAT_HISTORY_REPLY_MAX_LINES } from "../shared/limits";
import { CHAT_CATCH_UP_PAGES_MAX, CHAT_HISTORY_ON_JOIN, CHAT_RESUME_WAIT_MS, CHAT_SYSTEM_LINES_KEEP } from "../shared/tuning";
import type { CatchUp } from "./catchUp";
import { nextPage } from "./catchUpPages";
import { newestWithin } from "./history";
import type { Resumes } from "./resume";

type Delayed = ReturnType<Room["clock"]["setTimeout"]>;

export interface ReplyParts {
  /** The channel's kept lines above `since`, the newest `limit`, oldest first. */
  read(since: number, limit: number): Promise<ChatLine[]>;
  /** Lines the channel's history keeps at most (user lines; join and leave lines keep their own ring). */
  keptLines: number;
  catchUp: CatchUp;
  resumes: Resumes;
  clock: Room["clock"];
  history(sessionId: string, payload: ChatHistoryPayload): void;
  live(sessionId: string, line: ChatLine): void;
  readFailed(error: unknown): void;
}

/** A catch-up between pages. */
interface Paging {
  turn: number;
  /** Id of the last line sent. */
  cursor: number;
  pagesSent: number;
  pagesMax: number;
  /** A page said `more` and the next one has not started. */
  waiting: boolean;
  timer?: Delayed;
}

const BOUNDS = { maxLines: CHAT_HISTORY_REPLY_MAX_LINES, maxBytes: CHAT_HISTORY_REPLY_MAX_BYTES };

export class HistoryReplies {
  private readonly paging = new Map<string, Paging>();

  constructor(private readonly parts: ReplyParts) {}

  /**
   * `since` undefined: the latest CHAT_HISTORY_ON_JOIN lines; otherwise every line after it, in at
   * most `pagesMax` pages (a join's `since` gets one: the newest lines, and a gap over older ones missed).
   */
  async send(sessionId: string, since: number | undefined, pagesMax = CHAT_CATCH_UP_PAGES_MAX): Promise<void> {
    const { catchUp } = this.parts;
    this.stop(sessionId);
    const turn = catchUp.hold(sessionId);
    if (since !== undefined) {
      this.paging.set(sessionId, { turn, cursor: since, pagesSent: 0, pagesMax, waiting: false });
      return this.page(sessionId);
    }
    const lines = newestWithin(await this.read(0, CHAT_HISTORY_ON_JOIN), CHAT_HISTORY_ON_JOIN, CHAT_HISTORY_REPLY_MAX_BYTES);
    // Left meanwhile, or dropped and came back again: that reconnection has its own catch-up.
    if (catchUp.isHeld(sessionId, turn)) this.release(sessionId, 0, { lines });
  }

  /** The member asks for the next page: false when none is waiting. */
  more(sessionId: string): boolean {
    const paging = this.paging.get(sessionId);
    if (!paging?.waiting) return false;
    paging.timer?.clear();
    paging.waiting = false;
    void this.page(sessionId);
    return true;
  }

  /** The member dropped or left: a catch-up under way ends (a reconnection starts its own). */
  stop(sessionId: string): void {
    this.paging.get(sessionId)?.timer?.clear();
    this.paging.delete(sessionId);
  }

  private async page(sessionId: string): Promise<void> {
    const { catchUp, resumes, clock } = this.parts;
    const paging = this.paging.get(sessionId)!;
    const since = paging.cursor;
    const kept = await this.read(since, this.parts.keptLines + CHAT_SYSTEM_LINES_KEEP);
    if (this.paging.get(sessionId) !== paging || !catchUp.isHeld(sessionId, paging.turn)) return;
    const page = nextPage(kept, since, ++paging.pagesSent >= paging.pagesMax, BOUNDS);
    const gap = page.gap ? { gap: page.gap } : {};
    if (!page.more) {
      this.paging.delete(sessionId);
      return this.release(sessionId, since, { lines: page.lines, ...gap });
    }
    this.parts.history(sessionId, { lines: page.lines, more: true, ...gap });
    paging.cursor = page.lines.at(-1)!.id;
    // Dropped before the next page: the next catch-up starts after this one's last line.
    resumes.caughtUpTo(sessionId, paging.cursor);
    paging.waiting = true;
    paging.timer = clock.setTimeout(() => this.more(sessionId), CHAT_RESUME_WAIT_MS);
  }

  private release(sessionId: string, since: number, reply: ChatHistoryPayload): void {
    this.parts.resumes.caughtUp(sessionId);
    const caughtUp = this.parts.catchUp.release(sessionId, since, reply.lines);
    this.parts.history(sessionId, { ...reply, lines: caughtUp.history });
    for (const line of caughtUp.live) this.parts.live(sessionId, line);
  }

  private async read(since: number, limit: number): Promise<ChatLine[]> {
    try {
      return await this.parts.read(since, limit);
    } catch (error) {
      this.parts.readFailed(error);
      return [];
    }
  }
}

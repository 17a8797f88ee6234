/**
 * Player reports: a line of a channel, who reported it and the lines around it, queued for the
 * moderators (newest first) until one resolves it. Kept in the moderation hashes
 * (./moderationKeys.ts); at most REPORTS_KEPT_MAX open at once.
 */
import { RefusalCode, type Refusal } from "../shared/codes";
import { REPORTS_KEPT_MAX, REPORT_CONTEXT_LINES } from "../shared/limits";
import type { ChatLine } from "../shared/payloads";
import type { Logger } from "../telemetry/log";
import type { ChatHistory } from "./history";
import { readAll, readOne, type ModerationKeys } from "./moderationKeys";

export interface Report {
  id: number;
  /** UTC ms. */
  at: number;
  channel: string;
  line: ChatLine;
  reporter: { playerId: string; name: string };
  /** The reported line with up to REPORT_CONTEXT_LINES kept lines before and after it. */
  context: ChatLine[];
}

export interface Reporter {
  playerId: string;
  name: string;
}

const REPORTS = "moderation:reports";
const REPORT_SEQ = "moderation:report-seq";
/** Who reported which line: one report per reporter and line. */
const REPORTED = "moderation:reported";
const refused = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

/** Line `lineId` of `channel` and the kept lines around it (oldest first), or undefined when it is not kept. */
export async function lineInContext(history: Pick<ChatHistory, "after">, channel: string, lineId: number, keptLines: number) {
  const around = (await history.after(channel, Math.max(0, lineId - REPORT_CONTEXT_LINES - 1), keptLines)).filter(
    (line) => line.id <= lineId + REPORT_CONTEXT_LINES,
  );
  const line = around.find((candidate) => candidate.id === lineId);
  return line ? { line, context: around } : undefined;
}

/** What takes a player's report: the queue, and each player's allowance (REPORTS_PER_PLAYER). */
export interface ReportDesk {
  readonly reports: Reports;
  readonly reportRate: { admit(key: string): boolean };
}

/**
 * A chat member's report of line `lineId` of `channel`: counted against its flood key's allowance
 * (its player id, or a guest's address), then queued. Resolves with the refusal, if any.
 */
export async function fileReport(
  { moderation: desk, log }: { moderation: ReportDesk; log: Logger },
  channel: string,
  lineId: number,
  reporter: Reporter & { floodKey: string },
): Promise<Refusal | undefined> {
  if (!desk.reportRate.admit(reporter.floodKey)) return refused(RefusalCode.rateLimited, "too many reports: wait a minute before the next");
  const { playerId, name } = reporter;
  const result = await desk.reports.add(channel, lineId, { playerId, name }, Date.now()).catch((error: unknown) => {
    log.error({ err: error, channel }, "could not keep a report");
    return refused(RefusalCode.notSaved, "your report was not kept (the chat store is unreachable): try again");
  });
  return result.ok ? undefined : result;
}

export class Reports {
  constructor(
    private readonly keys: ModerationKeys,
    private readonly history: Pick<ChatHistory, "after">,
    /** How many lines a channel keeps (CHAT_HISTORY_LINES): the context is looked up among them. */
    private readonly keptLines: number,
  ) {}

  /** Records `reporter`'s report of line `lineId` of `channel`, refused with a reason when it makes no sense. */
  async add(channel: string, lineId: number, reporter: Reporter, now: number): Promise<{ ok: true; report: Report } | Refusal> {
    const found = await lineInContext(this.history, channel, lineId, this.keptLines);
    if (!found || found.line.kind !== "user") return refused(RefusalCode.noSuchLine, "there is no such line in this channel (or it is no longer kept)");
    if (found.line.playerId === reporter.playerId) return refused(RefusalCode.reportSelf, "you cannot report your own line");
    const reportedAs = `${reporter.playerId}\n${channel}\n${lineId}`;
    if ((await this.keys.hget(REPORTED, reportedAs)) != null) return refused(RefusalCode.reportedAlready, "you reported this line already");
    if ((await this.keys.hlen(REPORTS)) >= REPORTS_KEPT_MAX) {
      return refused(RefusalCode.reportQueueFull, "too many reports are waiting for the moderators: try again later");
    }
    const id = await this.keys.hincrby(REPORT_SEQ, "id", 1);
    const report: Report = { id, at: now, channel, line: found.line, reporter, context: found.context };
    await this.keys.hset(REPORTS, String(id), JSON.stringify(report));
    await this.keys.hset(REPORTED, reportedAs, String(id));
    return { ok: true, report };
  }

  /** The open reports, newest first. */
  async list(): Promise<Report[]> {
    return (await readAll<Report>(this.keys, REPORTS)).map((entry) => entry.value).sort((a, b) => b.id - a.id);
  }

  get(id: number): Promise<Report | undefined> {
    return readOne<Report>(this.keys, REPORTS, String(id));
  }

  /** Takes a report out of the queue (resolved); refused when it is not there. */
  async take(id: number): Promise<{ ok: true; report: Report } | Refusal> {
    const report = await this.get(id);
    if (!report) return refused(RefusalCode.noSuchReport, "no such report in the queue");
    await this.keys.hdel(REPORTS, String(id));
    await this.keys.hdel(REPORTED, `${report.reporter.playerId}\n${report.channel}\n${report.line.id}`);
    return { ok: true, report };
  }
}

/**
 * What the moderation console does (its pages: ./pages.ts, its routes: ./routes.ts): find players
 * on every process, read their lines, mute, kick, ban, unban, erase, resolve reports. Every action
 * is recorded in the audit log (who, what, whom, when, why). Refusals in the one shape.
 */
import { matchMaker } from "@colyseus/core";
import type { AuditAction } from "../../chat/auditLog";
import { parseBanSeconds, parseBanTarget, parseReason, type BanTarget } from "../../chat/bans";
import { Mutes, parseMuteSeconds } from "../../chat/moderation";
import { lineInContext } from "../../chat/reports";
import { erasePlayerLines, parsePlayerId } from "../../chat/retention";
import type { AppContext } from "../../context";
import type { ListedMember } from "../../rooms/guardedRoom";
import { RefusalCode, type Refusal } from "../../shared/codes";
import { MODERATION_LINES_SHOWN, SEARCH_QUERY_MAX_CHARS, SEARCH_RESULTS_MAX } from "../../shared/limits";
import type { ChatLine } from "../../shared/payloads";

export type Done = { ok: true; detail: string } | Refusal;
/** A player's line with the lines around it. */
export interface LineInContext {
  channel: string;
  line: ChatLine;
  context: ChatLine[];
}
export type ReportAction = "dismiss" | "mute" | "kick" | "ban";
export const REPORT_ACTIONS: readonly ReportAction[] = ["dismiss", "mute", "kick", "ban"];

const refused = (message: string, code: RefusalCode = RefusalCode.invalidPayload): Refusal => ({ ok: false, code, message });
/** The flood key a guest's mute is also kept under (server/chat/floodKey.ts): its address. */
const guestMuteKey = (address: string) => `address:${address}`;

export class ModerationDesk {
  constructor(private readonly ctx: AppContext) {}

  /** Players online on every process whose name or player id contains `query`; `silentRooms`: rooms that did not answer in time. */
  async search(query: unknown): Promise<{ ok: true; members: ListedMember[]; silentRooms: number } | Refusal> {
    if (typeof query !== "string" || query.length > SEARCH_QUERY_MAX_CHARS) return refused(`the search must be at most ${SEARCH_QUERY_MAX_CHARS} characters`);
    const answers = await this.everyRoom("moderationMembers", [query.trim()]);
    const members = answers.flatMap((answer) => (Array.isArray(answer) ? (answer as ListedMember[]) : []));
    const silentRooms = answers.filter((answer) => answer === undefined).length;
    return { ok: true, members: members.slice(0, SEARCH_RESULTS_MAX), silentRooms };
  }

  /** The rooms `playerId` is in now (exact id). */
  async whereIs(playerId: string): Promise<ListedMember[]> {
    const found = await this.search(playerId.slice(0, SEARCH_QUERY_MAX_CHARS));
    return found.ok ? found.members.filter((member) => member.playerId === playerId) : [];
  }

  /** `playerId`'s newest MODERATION_LINES_SHOWN kept lines, every channel, newest first, each with its context. */
  async linesOf(playerId: unknown): Promise<{ ok: true; lines: LineInContext[] } | Refusal> {
    const parsed = parsePlayerId(playerId);
    if (!parsed.ok) return parsed;
    const kept = (await this.ctx.chat.history.linesOf(parsed.value)).sort((a, b) => b.line.time - a.line.time).slice(0, MODERATION_LINES_SHOWN);
    const lines = await Promise.all(
      kept.map(async ({ channel, line }) => ({
        channel,
        line,
        context: (await lineInContext(this.ctx.chat.history, channel, line.id, this.ctx.settings.chatHistory.lines))?.context ?? [line],
      })),
    );
    return { ok: true, lines };
  }

  /** Mutes `playerId` (and, for a guest online now, its address) in every channel for `seconds` (default MUTE_MAX_S). */
  async mute(by: string, playerId: unknown, seconds: unknown, reason: unknown): Promise<Done> {
    const parsed = parsePlayerId(playerId);
    if (!parsed.ok) return parsed;
    const duration = parseMuteSeconds(seconds === undefined || seconds === "" ? undefined : Number(seconds));
    if (duration === undefined) return refused("seconds must be a number above 0, at most one day");
    const mutes = new Mutes(this.ctx.chat.mutes);
    const now = Date.now();
    mutes.mute(parsed.value, duration, now);
    const guests = (await this.whereIs(parsed.value)).filter((member) => member.guest);
    for (const address of new Set(guests.map((member) => member.address))) mutes.mute(guestMuteKey(address), duration, now);
    return this.audited(by, "mute", parsed.value, reason, `${duration} s${guests.length > 0 ? ", with its address" : ""}`);
  }

  /** Removes `playerId` from every room on every process, for good (no reconnection). */
  async kick(by: string, playerId: unknown, reason: unknown): Promise<Done> {
    const parsed = parsePlayerId(playerId);
    if (!parsed.ok) return parsed;
    const removed = await this.removeEverywhere(parsed.value, undefined);
    if (removed === 0) return refused("that player is in no room now", RefusalCode.noSuchMember);
    return this.audited(by, "kick", parsed.value, reason, `removed from ${removed} room(s)`);
  }

  /** Bans a player id or an address/prefix for `seconds` (default BAN_MAX_S), and removes whoever it covers now. */
  async ban(by: string, kind: unknown, target: unknown, seconds: unknown, reason: unknown): Promise<Done> {
    const parsed = parseBanTarget(kind, target, this.ctx.settings.limits.ipv6PrefixBits);
    if (!parsed.ok) return parsed;
    const duration = parseBanSeconds(seconds);
    if (!duration.ok) return duration;
    const banned = await this.ctx.moderation.bans.add(parsed.value, duration.value, parseReason(reason), by, Date.now());
    if (!banned.ok) return banned;
    const removed = await this.removeEverywhere(...covered(parsed.value));
    const until = new Date(banned.ban.until).toISOString();
    return this.audited(by, "ban", parsed.value.target, reason, `until ${until}, removed from ${removed} room(s)`);
  }

  async unban(by: string, kind: unknown, target: unknown, reason: unknown): Promise<Done> {
    const parsed = parseBanTarget(kind, target, this.ctx.settings.limits.ipv6PrefixBits);
    if (!parsed.ok) return parsed;
    const lifted = await this.ctx.moderation.bans.remove(parsed.value, Date.now());
    if (!lifted.ok) return lifted;
    return this.audited(by, "unban", parsed.value.target, reason, "ban lifted");
  }

  /** Erases `playerId`'s kept lines in every channel (the chat data erasure). */
  async erase(by: string, playerId: unknown, reason: unknown): Promise<Done> {
    const erased = await erasePlayerLines(this.ctx.chat.history, playerId, this.ctx.log);
    if (!erased.ok) return erased;
    return this.audited(by, "erase", String(playerId), reason, `${erased.erased} line(s) erased`);
  }

  /** Takes report `id` out of the queue with an action on the reported player (or none: dismiss). */
  async resolve(by: string, id: unknown, action: unknown, seconds: unknown, reason: unknown): Promise<Done> {
    const reportId = Number(id);
    if (!Number.isSafeInteger(reportId) || reportId <= 0) return refused("the report id must be a whole number above 0");
    if (!REPORT_ACTIONS.includes(action as ReportAction)) return refused(`the action must be one of ${REPORT_ACTIONS.join(", ")}`);
    const report = await this.ctx.moderation.reports.get(reportId);
    if (!report) return refused("no such report in the queue", RefusalCode.noSuchReport);
    const target = report.line.playerId;
    const acted =
      action === "mute"
        ? await this.mute(by, target, seconds, reason)
        : action === "kick"
          ? await this.kick(by, target, reason)
          : action === "ban"
            ? await this.ban(by, "player", target, seconds, reason)
            : ({ ok: true, detail: "dismissed" } as const);
    // A kick of a player who already left still resolves the report: the action had nothing to do.
    if (!acted.ok && acted.code !== RefusalCode.noSuchMember) return acted;
    const taken = await this.ctx.moderation.reports.take(reportId);
    if (!taken.ok) return taken;
    return this.audited(by, "resolve", `report ${reportId}`, reason, `${String(action)} ${target}: ${acted.ok ? acted.detail : acted.message}`);
  }

  private async audited(by: string, action: AuditAction, whom: string, reason: unknown, detail: string): Promise<Done> {
    await this.ctx.moderation.audit.record({ at: Date.now(), by, action, whom, why: parseReason(reason), detail });
    this.ctx.log.info({ action, detail }, "moderation action");
    return { ok: true, detail };
  }

  /** Members removed from every room on every process: by player id, or inside an address network. */
  private async removeEverywhere(playerId: string | undefined, network: string | undefined): Promise<number> {
    const answers = await this.everyRoom("moderationKick", [playerId ?? null, network ?? null]);
    return answers.reduce<number>((sum, answer) => sum + (typeof answer === "number" ? answer : 0), 0);
  }

  /** `method(...args)` on every room of every process (a room that does not answer in time gives undefined). */
  private async everyRoom(method: string, args: unknown[]): Promise<unknown[]> {
    const rooms = await matchMaker.query({});
    return Promise.all(rooms.map((room) => matchMaker.remoteRoomCall(room.roomId, method, args).catch(() => undefined)));
  }
}

/** Who a ban covers now: a player id, or an address network. */
function covered(target: BanTarget): [string | undefined, string | undefined] {
  return target.kind === "player" ? [target.target, undefined] : [undefined, target.target];
}

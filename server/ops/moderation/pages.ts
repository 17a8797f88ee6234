/**
 * The moderation console's pages, rendered on the server: plain HTML forms, no script (the
 * Content-Security-Policy of ./routes.ts allows none). Every player string goes through `esc`.
 */
import esc from "escape-html";
import type { AuditEntry } from "../../chat/auditLog";
import type { Ban } from "../../chat/bans";
import type { Report } from "../../chat/reports";
import type { ListedMember } from "../../rooms/guardedRoom";
import { BAN_MAX_S, MODERATION_REASON_MAX_CHARS, PLAYER_ID_MAX_CHARS, SEARCH_QUERY_MAX_CHARS } from "../../shared/limits";
import type { ChatLine } from "../../shared/payloads";
import { MUTE_MAX_S } from "../../shared/tuning";
import { REPORT_ACTIONS, type LineInContext } from "./desk";

/** Where the console lives under OpsPath.admin. */
export const CONSOLE_PATHS = { home: "/", player: "/players/", audit: "/audit.json", action: "/actions/" } as const;

export interface Notice {
  ok: boolean;
  text: string;
}

const time = (ms: number) => `<time datetime="${new Date(ms).toISOString()}">${esc(new Date(ms).toISOString().replace("T", " ").slice(0, 19))} UTC</time>`;
const playerLink = (base: string, playerId: string) => `<a href="${esc(base + CONSOLE_PATHS.player + encodeURIComponent(playerId))}">${esc(playerId)}</a>`;
const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${esc(value)}">`;
const reasonField = `<label>Reason <input name="reason" maxlength="${MODERATION_REASON_MAX_CHARS}"></label>`;

/** A form posting one action; `fields`: its own inputs. */
function actionForm(base: string, action: string, label: string, fields: string): string {
  return `<form method="post" action="${esc(base + CONSOLE_PATHS.action + action)}" class="action">${fields}<button type="submit">${esc(label)}</button></form>`;
}

function line(item: ChatLine, marked: boolean): string {
  const who = item.kind === "user" ? `<b><bdi>${esc(item.name)}</bdi></b> ` : "";
  return `<li class="${marked ? "marked" : ""}" data-id="${item.id}">${time(item.time)} ${who}<bdi class="text">${esc(item.text)}</bdi></li>`;
}

function lines(items: readonly ChatLine[], markedId: number): string {
  return `<ol class="lines">${items.map((item) => line(item, item.id === markedId)).join("")}</ol>`;
}

export function page(title: string, notice: Notice | undefined, body: string): string {
  const shown = notice ? `<p role="status" class="notice ${notice.ok ? "ok" : "refused"}">${esc(notice.text)}</p>` : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:14px system-ui,sans-serif;margin:1rem 2rem;max-width:70rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
.marked{background:#ffe9a8}.notice.ok{color:#075}.notice.refused{color:#b00}form.action{display:inline-block;margin:.2rem .5rem .2rem 0}ol.lines{margin:.2rem 0;padding-left:1.2rem}</style>
</head><body><h1>${esc(title)}</h1>${shown}${body}</body></html>`;
}

export interface ConsoleView {
  base: string;
  query: string;
  search?: { members: ListedMember[]; silentRooms: number };
  reports: Report[];
  bans: Ban[];
  audit: AuditEntry[];
  /** How many each list holds in all, when more than shown. */
  totals?: { reports: number; bans: number; audit: number };
}

/** "(shown of total)" when a list is longer than what the page shows. */
const more = (shown: number, total: number | undefined) => (total !== undefined && total > shown ? ` (the first ${shown} of ${total})` : "");

export function consolePage(view: ConsoleView, notice?: Notice): string {
  const { base } = view;
  const searchForm = `<form method="get" action="${esc(base + CONSOLE_PATHS.home)}" role="search"><label>Player name or id <input name="q" value="${esc(view.query)}" maxlength="${SEARCH_QUERY_MAX_CHARS}"></label> <button type="submit">Search</button></form>`;
  const found = view.search
    ? `<table id="players"><tr><th>Name</th><th>Player id</th><th>Room</th><th>Address</th></tr>${view.search.members
        .map((m) => `<tr><td><bdi>${esc(m.name)}</bdi></td><td>${playerLink(base, m.playerId)}</td><td>${esc(m.roomName)} ${esc(m.roomId)}</td><td>${m.guest ? esc(m.address) : "signed in"}</td></tr>`)
        .join("")}</table><p>${view.search.members.length} found${view.search.silentRooms > 0 ? `; ${view.search.silentRooms} room(s) did not answer` : ""}</p>`
    : "";
  const reports = view.reports
    .map(
      (r) => `<li id="report-${r.id}"><p>Report ${r.id}, ${time(r.at)}: <bdi>${esc(r.reporter.name)}</bdi> (${esc(r.reporter.playerId)}) reported ${playerLink(base, r.line.playerId)} in <code>${esc(r.channel)}</code></p>
${lines(r.context, r.line.id)}${actionForm(base, "resolve", "Resolve", `${hidden("id", String(r.id))}<label>Action <select name="action">${REPORT_ACTIONS.map((a) => `<option>${a}</option>`).join("")}</select></label> <label>Seconds <input name="seconds" type="number" min="1" max="${BAN_MAX_S}"></label> ${reasonField}`)}</li>`,
    )
    .join("");
  const bans = view.bans
    .map((b) => `<tr><td>${esc(b.kind)}</td><td>${esc(b.target)}</td><td>${time(b.until)}</td><td>${esc(b.reason)}</td><td>${esc(b.by)}</td><td>${actionForm(base, "unban", "Unban", `${hidden("kind", b.kind)}${hidden("target", b.target)}`)}</td></tr>`)
    .join("");
  const banForm = actionForm(
    base,
    "ban",
    "Ban",
    `<label>Kind <select name="kind"><option>player</option><option>address</option></select></label> <label>Player id, address or prefix <input name="target" required maxlength="${PLAYER_ID_MAX_CHARS}"></label> <label>Seconds <input name="seconds" type="number" min="1" max="${BAN_MAX_S}"></label> ${reasonField}`,
  );
  return page(
    "Moderation console",
    notice,
    `<section><h2>Players online</h2>${searchForm}${found}</section>
<section><h2>Reports (${view.totals?.reports ?? view.reports.length}, newest first)${more(view.reports.length, view.totals?.reports)}</h2><ol id="reports">${reports}</ol></section>
<section><h2>Bans in force${more(view.bans.length, view.totals?.bans)}</h2>${banForm}<table id="bans"><tr><th>Kind</th><th>Target</th><th>Until</th><th>Reason</th><th>By</th><th></th></tr>${bans}</table></section>
<section><h2>Audit log${more(view.audit.length, view.totals?.audit)}</h2><p><a href="${esc(base + CONSOLE_PATHS.audit)}">Export as JSON</a></p>${auditTable(view.audit)}</section>`,
  );
}

function auditTable(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => `<tr><td>${time(e.at)}</td><td>${esc(e.by)}</td><td>${esc(e.action)}</td><td>${esc(e.whom)}</td><td>${esc(e.why)}</td><td>${esc(e.detail)}</td></tr>`);
  return `<table id="audit"><tr><th>When</th><th>Who</th><th>What</th><th>Whom</th><th>Why</th><th>Result</th></tr>${rows.join("")}</table>`;
}

export interface PlayerView {
  base: string;
  playerId: string;
  where: ListedMember[];
  lines: LineInContext[];
}

export function playerPage(view: PlayerView, notice?: Notice): string {
  const { base, playerId } = view;
  const id = hidden("playerId", playerId);
  const where = view.where.length
    ? `<ul id="rooms">${view.where.map((m) => `<li><bdi>${esc(m.name)}</bdi> in ${esc(m.roomName)} ${esc(m.roomId)}${m.guest ? `, guest from ${esc(m.address)}` : ""}</li>`).join("")}</ul>`
    : "<p>Not online now.</p>";
  const addresses = [...new Set(view.where.filter((m) => m.guest).map((m) => m.address))];
  const actions = [
    actionForm(base, "mute", "Mute", `${id}<label>Seconds <input name="seconds" type="number" min="1" max="${MUTE_MAX_S}" value="600"></label> ${reasonField}`),
    actionForm(base, "kick", "Kick", `${id}${reasonField}`),
    actionForm(base, "ban", "Ban player", `${hidden("kind", "player")}${hidden("target", playerId)}<label>Seconds <input name="seconds" type="number" min="1" max="${BAN_MAX_S}"></label> ${reasonField}`),
    ...addresses.map((address) =>
      actionForm(base, "ban", `Ban address ${address}`, `${hidden("kind", "address")}<label>Address or prefix <input name="target" value="${esc(address)}" maxlength="${PLAYER_ID_MAX_CHARS}"></label> <label>Seconds <input name="seconds" type="number" min="1" max="${BAN_MAX_S}"></label> ${reasonField}`),
    ),
    actionForm(base, "erase", "Erase lines", `${id}${reasonField}`),
  ];
  const said = view.lines
    .map((l) => `<li><p><code>${esc(l.channel)}</code> ${time(l.line.time)}</p>${lines(l.context, l.line.id)}</li>`)
    .join("");
  return page(
    `Player ${playerId}`,
    notice,
    `<p><a href="${esc(base + CONSOLE_PATHS.home)}">Back to the console</a></p><section><h2>Online</h2>${where}</section>
<section><h2>Actions</h2>${actions.join("")}</section>
<section><h2>Recent lines (${view.lines.length}, newest first, with context)</h2><ol id="lines">${said}</ol></section>`,
  );
}

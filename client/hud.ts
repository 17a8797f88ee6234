/** The battle's side panel: connection status, ping, scoreboard, kill feed, death overlay. */
import type { KillEvent, ShutdownNotice } from "../server/shared/payloads";
import { byId, el, isolated } from "./dom";
import { formatNumber, t } from "./i18n";
import { translatedNodes } from "./i18n/dom";
import type { Look, Looks } from "./look";
import type { LinkStatus } from "./net";
import type { PlayerState } from "./state";

/** Kill feed lines kept on screen. */
export const KILL_FEED_LINES = 5;

export class Hud {
  /** `looks`: the room's players' looks, as the map draws them. */
  constructor(private readonly looks: Looks) {}

  private readonly status = byId("status");
  private readonly ping = byId("ping");
  private readonly scores = byId<HTMLTableSectionElement>("scores");
  private readonly feed = byId("kill-feed");
  private readonly overlay = byId("death-overlay");
  private readonly respawnLine = byId("respawn-line");
  private readonly countdown = Object.assign(el("span"), { id: "respawn-countdown" });
  private readonly notice = byId("battle-notice");
  private shutdownTimer: ReturnType<typeof setInterval> | undefined;
  private readonly rows = new Map<string, ScoreRow>();

  showStatus(status: LinkStatus): void {
    this.status.textContent = statusText(status);
    this.status.dataset.kind = status.kind;
  }

  showPing(ms: number | null): void {
    this.ping.textContent = ms === null ? t("hud.pingNone") : t("hud.ping", { ms: Math.round(ms) });
  }

  /** A refusal or other short note from the server ("attack is cooling down"). */
  showNotice(text: string): void {
    this.notice.textContent = text;
  }

  /** The server's shutdown warning, counting down to the room's close. */
  showShutdown(notice: ShutdownNotice): void {
    clearInterval(this.shutdownTimer);
    const closesAt = performance.now() + notice.inMs;
    const update = () => {
      const leftMs = closesAt - performance.now();
      this.notice.textContent = shutdownText(notice, leftMs);
      if (leftMs <= 0) clearInterval(timer);
    };
    const timer = setInterval(update, SHUTDOWN_COUNTDOWN_STEP_MS);
    this.shutdownTimer = timer;
    update();
  }

  /**
   * The scoreboard, best first. Rows are kept per player and only changed cells are written: a
   * 200-player board rebuilt from scratch several times a second costs the battle view its frames.
   */
  showScores(players: Array<[string, PlayerState]>, meId: string): void {
    const sorted = [...players].sort(([, a], [, b]) => b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name));
    const seen = new Set<string>();
    const ordered = sorted.map(([id, p]) => {
      seen.add(id);
      let row = this.rows.get(id);
      const look = this.looks.of(p.name);
      const name = shownName(p);
      if (!row || row.name !== name || row.look.colour !== look.colour || row.look.shape !== look.shape) this.rows.set(id, (row = scoreRow(p, name, look)));
      row.element.className = id === meId ? "me" : "";
      setText(row.kills, formatNumber(p.kills));
      setText(row.deaths, formatNumber(p.deaths));
      setText(row.hp, p.inView ? formatNumber(p.hp) : t("score.outOfView"));
      return row.element;
    });
    for (const id of [...this.rows.keys()]) if (!seen.has(id)) this.rows.delete(id);
    const children = this.scores.children;
    if (children.length !== ordered.length || ordered.some((row, i) => children[i] !== row)) this.scores.replaceChildren(...ordered);
  }

  /** A kill feed line naming both sides; `isBot` tells which of them are bots (marked as such). */
  addKill(kill: KillEvent, meId: string, isBot: (sessionId: string) => boolean): void {
    const line = el("li");
    line.append(
      ...translatedNodes("battle.kill", {
        killer: named({ name: kill.killerName, bot: isBot(kill.killer) }, kill.killer === meId, this.looks),
        victim: named({ name: kill.victimName, bot: isBot(kill.victim) }, kill.victim === meId, this.looks),
      }),
    );
    this.feed.prepend(line);
    while (this.feed.children.length > KILL_FEED_LINES) this.feed.lastElementChild!.remove();
  }

  /** Shows the overlay while `respawnInMs` > 0, hides it otherwise. */
  showDeath(respawnInMs: number | null): void {
    this.overlay.hidden = respawnInMs === null;
    if (respawnInMs === null) return;
    if (!this.respawnLine.hasChildNodes()) this.respawnLine.append(...translatedNodes("battle.respawnIn", { seconds: this.countdown }));
    this.countdown.textContent = formatNumber(Math.max(0, respawnInMs) / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }

  reset(): void {
    clearInterval(this.shutdownTimer);
    this.feed.replaceChildren();
    this.scores.replaceChildren();
    this.rows.clear();
    this.notice.textContent = "";
    // Built again in the language of the next battle.
    this.respawnLine.replaceChildren();
    this.showDeath(null);
    this.showPing(null);
  }
}

/** One player's row of the scoreboard and the cells that change. */
interface ScoreRow {
  name: string;
  look: Look;
  element: HTMLTableRowElement;
  kills: HTMLTableCellElement;
  deaths: HTMLTableCellElement;
  hp: HTMLTableCellElement;
}

function scoreRow(player: Pick<PlayerState, "name" | "bot">, name: string, look: Look): ScoreRow {
  const cell = el("td", "name");
  cell.append(swatch(look), shownNameNode(player));
  const row: ScoreRow = { name, look, element: el("tr"), kills: el("td", "num"), deaths: el("td", "num"), hp: el("td", "num") };
  row.element.append(cell, row.kills, row.deaths, row.hp);
  return row;
}

const setText = (element: HTMLElement, text: string) => {
  if (element.textContent !== text) element.textContent = text;
};

/** A player's name as the map and the scores show it: a bot's is marked as one, in the page's language. */
export function shownName(player: Pick<PlayerState, "name" | "bot">): string {
  return player.bot ? t("player.bot", { name: player.name }) : player.name;
}

/** {@link shownName} for the page: the name isolated, a bot's mark around it in the catalog's words. */
function shownNameNode(player: Pick<PlayerState, "name" | "bot">): HTMLElement {
  if (!player.bot) return isolated(player.name);
  const span = el("span");
  span.append(...translatedNodes("player.bot", { name: isolated(player.name) }));
  return span;
}

/** A player's shape in its colour, as on the map, so a name in the feed or the scores is found at a glance. */
export function swatch(look: Look): HTMLElement {
  const mark = el("span", "swatch");
  mark.dataset.shape = look.shape;
  mark.style.setProperty("--look", look.colour);
  mark.setAttribute("aria-hidden", "true");
  return mark;
}

/** A name in the kill feed: its swatch, then the name; the own one highlighted. */
function named(player: Pick<PlayerState, "name" | "bot">, me: boolean, looks: Looks): HTMLElement {
  const span = el("span", me ? "me" : "");
  span.append(swatch(looks.of(player.name)), shownNameNode(player));
  return span;
}

/** How often the shutdown countdown is redrawn. */
export const SHUTDOWN_COUNTDOWN_STEP_MS = 250;

/** The shutdown warning in the player's language (the notice's `reason` is the server's English, for logs). */
export function shutdownText(_notice: ShutdownNotice, leftMs: number): string {
  return t("shutdown.room", { seconds: Math.max(0, Math.ceil(leftMs / 1000)) });
}

export function statusText(status: LinkStatus): string {
  switch (status.kind) {
    case "connected":
      return t("status.connected");
    case "reconnecting":
      return t("status.reconnecting", { attempt: status.attempt });
    case "reconnected":
      return t("status.reconnected");
    case "lost":
      return status.reason;
  }
}

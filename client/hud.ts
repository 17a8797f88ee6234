/** The battle's side panel: connection status, ping, scoreboard, kill feed, death overlay. */
import type { KillEvent, ShutdownNotice } from "../server/shared/payloads";
import { byId, el } from "./dom";
import { formatNumber, t } from "./i18n";
import { translatedNodes } from "./i18n/dom";
import type { LinkStatus } from "./net";
import type { PlayerState } from "./state";

/** Kill feed lines kept on screen. */
export const KILL_FEED_LINES = 5;

export class Hud {
  private readonly status = byId("status");
  private readonly ping = byId("ping");
  private readonly scores = byId<HTMLTableSectionElement>("scores");
  private readonly feed = byId("kill-feed");
  private readonly overlay = byId("death-overlay");
  private readonly respawnLine = byId("respawn-line");
  private readonly countdown = Object.assign(el("span"), { id: "respawn-countdown" });
  private readonly notice = byId("battle-notice");
  private shutdownTimer: ReturnType<typeof setInterval> | undefined;

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

  showScores(players: Array<[string, PlayerState]>, meId: string): void {
    const sorted = [...players].sort(([, a], [, b]) => b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name));
    const rows = sorted.map(([id, p]) => {
      const row = el("tr", id === meId ? "me" : "");
      const hp = p.inView ? formatNumber(p.hp) : t("score.outOfView");
      row.append(el("td", "name", p.name), el("td", "num", formatNumber(p.kills)), el("td", "num", formatNumber(p.deaths)), el("td", "num", hp));
      return row;
    });
    this.scores.replaceChildren(...rows);
  }

  addKill(kill: KillEvent, meId: string): void {
    const line = el("li");
    line.append(
      ...translatedNodes("battle.kill", {
        killer: el("span", kill.killer === meId ? "me" : "", kill.killerName),
        victim: el("span", kill.victim === meId ? "me" : "", kill.victimName),
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
    this.notice.textContent = "";
    // Built again in the language of the next battle.
    this.respawnLine.replaceChildren();
    this.showDeath(null);
    this.showPing(null);
  }
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

/**
 * The lobby's region control: the region in use and its round trip ("eu · 23 ms", `data-region` and
 * `data-rtt-ms` on #region), a picker with every region and its measured time (a region that did
 * not answer is marked and cannot be picked), the player's pick remembered until they choose
 * "nearest" again, and a notice when the usual region is not answering or a join moves elsewhere.
 */
import { RegionPath, type RegionEntry } from "../server/shared/regions";
import { byId, el } from "./dom";
import { t } from "./i18n";
import { REGION_USUAL_KEY, REGION_PICK_KEY, choose, measureAll, missing, nextBest, parseRegions, ranked, type Measured } from "./regions";

/** The picker's value for "the nearest, automatically". */
const AUTO = "";

/**
 * One /ping, never from a cache: the request's own round trip from Resource Timing (the region sends
 * Timing-Allow-Origin), without the browser's queueing; the time around fetch where it has none.
 */
async function ping(url: string, signal: AbortSignal): Promise<number | null> {
  const started = performance.now();
  const response = await fetch(url, { cache: "no-store", mode: "cors", signal });
  await response.arrayBuffer();
  if (!response.ok) return null;
  const entry = performance.getEntriesByName(url).at(-1) as PerformanceResourceTiming | undefined;
  return entry && entry.responseStart > entry.requestStart && entry.requestStart >= started ? entry.responseStart - entry.requestStart : performance.now() - started;
}

export class RegionControl {
  private readonly box = byId("region");
  private readonly picker = byId<HTMLSelectElement>("region-picker");
  private readonly current = byId("region-current");
  private readonly notice = byId("region-notice");
  private regions: RegionEntry[] = [];
  private measured: Measured[] = [];
  private chosen: Measured | undefined;
  /** A measurement is running (at start, or again when the picker opens). */
  private measuring = false;
  private measurements = 0;
  /** Regions that would not take a join this visit. */
  private readonly failed = new Set<string>();
  /** Words of the last notice, redrawn in another language. */
  private lastNotice: (() => string) | null = null;

  /** `onSwitch`: the player picked another region (its base URL). */
  constructor(private readonly storage: Storage, private readonly onSwitch: (url: string) => void) {
    this.picker.addEventListener("change", () => {
      const value = this.picker.value;
      if (value === AUTO) this.storage.removeItem(REGION_PICK_KEY);
      else this.storage.setItem(REGION_PICK_KEY, value);
      this.use(choose(this.measured, value === AUTO ? null : value));
    });
    // Opening the picker measures again: the times it lists are the player's now (the region stays as it is).
    this.picker.addEventListener("focus", () => void this.measure().then(() => this.show(this.measured.find((region) => region.id === this.chosen?.id) ?? this.chosen)));
  }

  /** Every region's round trip, now; resolves at once while a measurement is running. */
  private async measure(): Promise<void> {
    if (this.measuring || this.regions.length < 2) return;
    this.measuring = true;
    try {
      this.measured = await measureAll(this.regions, ping);
      // The samples' timing entries are read: the buffer (250 entries by default) stays free for the page.
      performance.clearResourceTimings();
      this.box.dataset.measurements = String(++this.measurements);
    } finally {
      this.measuring = false;
    }
  }

  /**
   * Reads the list from this page's origin and, with more than one region, measures them; resolves
   * with the base URL to play at. `invited`: the region of a room link, preferred once.
   */
  async start(invited: string | null): Promise<string> {
    const regions = parseRegions(await fetch(RegionPath.regions).then((res) => (res.ok ? res.json() : []), () => []));
    if (regions.length === 0) return location.origin;
    if (regions.length === 1) return regions[0]!.url;
    this.regions = regions;
    this.box.hidden = false;
    this.current.textContent = t("region.measuring");
    await this.measure();
    const pick = this.storage.getItem(REGION_PICK_KEY);
    const chosen = choose(this.measured, invited ?? pick);
    const gone = missing(this.measured, chosen, pick, this.storage.getItem(REGION_USUAL_KEY));
    if (gone && chosen) this.say(() => t("region.unreachable", { from: gone.id, to: chosen.id }));
    // The usual region stays the one that stopped answering, so the next visit says so too until it is back.
    else if (chosen) this.storage.setItem(REGION_USUAL_KEY, chosen.id);
    this.show(chosen);
    return chosen?.url ?? location.origin;
  }

  /** The region in use would not take a join: the next best, with a notice; undefined when none is left. */
  failover(): string | undefined {
    if (!this.chosen) return undefined;
    const from = this.chosen;
    this.failed.add(from.id);
    const next = nextBest(this.measured, this.failed);
    if (!next) return undefined;
    this.say(() => t("region.joinFailed", { from: from.id, to: next.id }));
    this.show(next);
    return next.url;
  }

  /** The region in use; undefined with one region. */
  get id(): string | undefined {
    return this.chosen?.id;
  }

  /** Draws it again (after a language change). */
  refresh(): void {
    this.show(this.chosen);
    if (this.lastNotice) this.notice.textContent = this.lastNotice();
  }

  private use(region: Measured | undefined): void {
    if (!region || region.id === this.chosen?.id) return this.show(this.chosen);
    this.say(null);
    this.storage.setItem(REGION_USUAL_KEY, region.id);
    this.show(region);
    this.onSwitch(region.url);
  }

  private say(words: (() => string) | null): void {
    this.lastNotice = words;
    this.notice.textContent = words ? words() : "";
  }

  private show(region: Measured | undefined): void {
    this.chosen = region;
    this.box.dataset.region = region?.id ?? "";
    this.box.dataset.rttMs = region?.rttMs === null || region === undefined ? "" : String(Math.round(region.rttMs));
    this.current.textContent = region ? this.label(region) : "";
    const pick = this.storage.getItem(REGION_PICK_KEY);
    const auto = el("option", "", t("region.auto"));
    auto.value = AUTO;
    const options = ranked(this.measured).map((measured) => {
      const option = el("option", "", this.label(measured));
      option.value = measured.id;
      option.disabled = measured.rttMs === null || this.failed.has(measured.id);
      return option;
    });
    this.picker.replaceChildren(auto, ...options);
    this.picker.value = pick !== null && this.measured.some((measured) => measured.id === pick) ? pick : AUTO;
  }

  private label(region: Measured): string {
    return region.rttMs === null ? t("region.noAnswer", { region: region.id }) : t("region.rtt", { region: region.id, ms: Math.round(region.rttMs) });
  }
}

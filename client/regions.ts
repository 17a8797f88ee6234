/**
 * Which region to play in (docs/client.md "Regions"): the list from the page's own origin, every
 * region's round trip measured in parallel, the nearest that answers, or the player's own pick.
 * Pure: the request comes in, so it is tested without a browser (test/client/regions.test.ts).
 */
import { PING_DEADLINE_MS, PING_SAMPLES, RegionPath, type RegionEntry } from "../server/shared/regions";

/** localStorage: the region the player picked by hand (absent: the nearest, automatically). */
export const REGION_PICK_KEY = "battle.region";
/** localStorage: the region this page usually plays in (its nearest, or the pick), to say so when it stops answering. */
export const REGION_USUAL_KEY = "battle.region.usual";

/** A region with its measured round trip; `rttMs` null when it did not answer. */
export interface Measured extends RegionEntry {
  rttMs: number | null;
}

/** One request to `url`: resolves with its round trip in ms when answered 2xx, null (or rejects) when not. */
export type Pinger = (url: string, signal: AbortSignal) => Promise<number | null>;

const REGION_ID = /^[a-z0-9-]{1,32}$/;

/** GET /regions' JSON as a list; anything malformed is left out (a broken list means one region: this origin). */
export function parseRegions(data: unknown): RegionEntry[] {
  if (!Array.isArray(data)) return [];
  const seen = new Set<string>();
  const regions: RegionEntry[] = [];
  for (const entry of data) {
    const { id, url } = (entry ?? {}) as Record<string, unknown>;
    if (typeof id !== "string" || !REGION_ID.test(id) || seen.has(id) || typeof url !== "string" || !/^https?:\/\/[^\s?#]+$/.test(url)) continue;
    seen.add(id);
    regions.push({ id, url: url.replace(/\/+$/, "") });
  }
  return regions;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * `samples` round trips to `url`/ping one after another, the first thrown away (it pays for the
 * connection); the median of the others that answered before `signal` aborts, or null when none did.
 */
export async function measureRegion(url: string, ping: Pinger, signal: AbortSignal, samples = PING_SAMPLES): Promise<number | null> {
  const times: number[] = [];
  for (let sample = 0; sample < samples && !signal.aborted; sample++) {
    const rttMs = await ping(`${url}${RegionPath.ping}`, signal).catch(() => null);
    if (rttMs === null) break;
    if (sample > 0) times.push(rttMs);
  }
  return times.length > 0 ? median(times) : null;
}

/** Every region measured in parallel, all within `deadlineMs`. */
export async function measureAll(regions: readonly RegionEntry[], ping: Pinger, deadlineMs = PING_DEADLINE_MS): Promise<Measured[]> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  try {
    return await Promise.all(regions.map(async (region) => ({ ...region, rttMs: await measureRegion(region.url, ping, deadline.signal) })));
  } finally {
    clearTimeout(timer);
  }
}

/** The regions that answered, nearest first, then those that did not (marked, last). */
export function ranked(measured: readonly Measured[]): Measured[] {
  return [...measured].sort((a, b) => (a.rttMs ?? Infinity) - (b.rttMs ?? Infinity) || a.id.localeCompare(b.id));
}

/** The region to play in: the player's pick when it answered, else the nearest that answered; undefined when none did. */
export function choose(measured: readonly Measured[], pick: string | null): Measured | undefined {
  const picked = measured.find((region) => region.id === pick && region.rttMs !== null);
  return picked ?? ranked(measured).find((region) => region.rttMs !== null);
}

/** The next region to try after `failed` would not take a join: the nearest other one that answered. */
export function nextBest(measured: readonly Measured[], failed: ReadonlySet<string>): Measured | undefined {
  return ranked(measured).find((region) => region.rttMs !== null && !failed.has(region.id));
}

/**
 * Whether to tell the player their usual region is not in use: the one they picked, or usually play
 * in, did not answer and another was chosen. Returns the region that did not answer.
 */
export function missing(measured: readonly Measured[], chosen: Measured | undefined, pick: string | null, usualId: string | null): Measured | undefined {
  const usual = measured.find((region) => region.id === (pick ?? usualId));
  return usual && usual.rttMs === null && chosen && chosen.id !== usual.id ? usual : undefined;
}

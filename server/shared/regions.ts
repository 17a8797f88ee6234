/**
 * Regions as the browser client sees them (docs/scaling.md "Regions"): where it reads the list, where
 * it measures each region's round trip, and how it measures. Shared by the server's routes and the
 * client; no clock here, the client passes its own.
 */

/** The routes every region answers, on the same path. */
export const RegionPath = {
  /** GET: the region list as JSON, `RegionEntry[]` (empty: one region, the page's own origin). */
  regions: "/regions",
  /** GET: 204, no body, no-store; the round trip the client measures. */
  ping: "/ping",
} as const;

/** One region of GET /regions. */
export interface RegionEntry {
  id: string;
  /** Base URL of its matchmaking and sockets (`new Client(url)`), no trailing slash. */
  url: string;
}

/** How long a /regions answer may be cached (the list changes only with a deployment). */
export const REGIONS_CACHE_S = 60;

/** Round trips measured per region; the first is thrown away (it pays for DNS, TCP and TLS set-up). */
export const PING_SAMPLES = 4;
/** Every region's measurement ends by then; a region with fewer than two answers by then is unreachable. */
export const PING_DEADLINE_MS = 2000;

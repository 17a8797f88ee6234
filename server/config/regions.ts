/**
 * Regions from the environment, read by readSettings (./index.ts); see docs/scaling.md "Regions".
 *
 * REGION          this process's region id, [a-z0-9-]{1,32}; set together with REGIONS
 * REGIONS         every region as id=publicBaseUrl, comma-separated, the same list on every process
 *                 (eu=https://eu.play.example,us=https://us.play.example); unset: one region
 * CHAT_REDIS_URL  the Redis that holds chat history and carries chat lines between processes and
 *                 regions (default: REDIS_URL)
 */
import { ConfigError } from "./error";

/** A region as clients see it: its id and the base URL its matchmaking and sockets answer at. */
export interface Region {
  id: string;
  url: string;
}

export interface RegionSettings {
  /** REGION: undefined when REGIONS is unset (one region). */
  here: string | undefined;
  /** REGIONS, in the order given; empty when unset. */
  list: readonly Region[];
  /** CHAT_REDIS_URL, or REDIS_URL when unset; undefined without either (chat in memory). */
  chatRedisUrl: string | undefined;
}

export const REGION_ID_PATTERN = /^[a-z0-9-]{1,32}$/;
/** Longest REGIONS list: every client pings every region. */
export const REGIONS_MAX = 16;

/** Parses REGION, REGIONS and CHAT_REDIS_URL; `redisUrl` is REDIS_URL, `production` NODE_ENV=production. */
export function readRegions(env: Record<string, string | undefined>, redisUrl: string | undefined, production: boolean): RegionSettings {
  const here = env.REGION?.trim() || undefined;
  const given = env.REGIONS?.trim() || undefined;
  const chatRedisUrl = readRedisUrl("CHAT_REDIS_URL", env.CHAT_REDIS_URL?.trim() || undefined) ?? redisUrl;
  if (here !== undefined && !REGION_ID_PATTERN.test(here)) {
    throw new ConfigError(`"REGION" must be a region id of 1 to 32 characters a-z, 0-9 or "-", got "${here.slice(0, 40)}"`);
  }
  if (given === undefined) {
    if (here !== undefined) throw new ConfigError('"REGION" needs "REGIONS", the list of every region (id=https://host,…)');
    return { here, list: [], chatRedisUrl };
  }
  const list = parseRegionList(given, production);
  if (here === undefined) throw new ConfigError('"REGION" must be set with "REGIONS": the id of this process\'s region');
  if (!list.some((region) => region.id === here)) {
    throw new ConfigError(`"REGION" "${here}" is not in "REGIONS" (${list.map((region) => region.id).join(", ")})`);
  }
  return { here, list, chatRedisUrl };
}

/** `id=url,id=url`: ids unique, URLs http(s) with a host and nothing after the path (https only in production). */
export function parseRegionList(value: string, production: boolean): Region[] {
  const list: Region[] = [];
  for (const entry of value.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
    const at = entry.indexOf("=");
    const id = at === -1 ? entry : entry.slice(0, at).trim();
    const raw = at === -1 ? "" : entry.slice(at + 1).trim();
    if (at === -1 || !REGION_ID_PATTERN.test(id)) {
      throw new ConfigError(`"REGIONS": "${entry.slice(0, 64)}" is not id=url with an id of a-z, 0-9 and "-" (e.g. eu=https://eu.play.example)`);
    }
    if (list.some((region) => region.id === id)) throw new ConfigError(`"REGIONS" names region "${id}" twice`);
    list.push({ id, url: regionUrl(id, raw, production) });
  }
  if (list.length === 0) throw new ConfigError('"REGIONS" is set but lists no region (id=url,…)');
  if (list.length > REGIONS_MAX) throw new ConfigError(`"REGIONS" lists ${list.length} regions (at most ${REGIONS_MAX})`);
  return list;
}

function regionUrl(id: string, raw: string, production: boolean): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    // refused below
  }
  const web = url !== undefined && (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  if (!url || !web || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new ConfigError(`"REGIONS": the URL of "${id}" must be like https://eu.play.example (no query, no credentials), got "${raw.slice(0, 64)}"`);
  }
  if (production && url.protocol !== "https:") {
    throw new ConfigError(`"REGIONS": the URL of "${id}" must be https:// when NODE_ENV=production (players' traffic is encrypted), got "${raw.slice(0, 64)}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** A redis:// or rediss:// URL, or undefined when unset. */
export function readRedisUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let protocol = "";
  try {
    protocol = new URL(value).protocol;
  } catch {
    // refused below
  }
  if (protocol !== "redis:" && protocol !== "rediss:") throw new ConfigError(`${name} must be a redis:// or rediss:// URL, got "${value.slice(0, 64)}"`);
  return value;
}

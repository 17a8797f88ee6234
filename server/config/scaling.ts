/**
 * Scaling settings from the environment, read by readSettings (server/config/index.ts).
 *
 * REDIS_URL       redis://[user:pass@]host[:port][/db] or rediss://...; absent = one process, in memory.
 * PUBLIC_ADDRESS  how clients reach THIS process: host[:port][/path], e.g. 127.0.0.1:2568 or
 *                 game.example.com/p2568 behind a path-routing proxy. Required with REDIS_URL.
 */
import { ConfigError } from "./error";

export type ScalingConfig =
  | { mode: "single" }
  | { mode: "redis"; redisUrl: string; publicAddress: string };

/** host[:port][/path]: no scheme, no query, no trailing slash (colyseus.js appends /processId/roomId). */
const PUBLIC_ADDRESS_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*$/;


export function readScalingConfig(env: NodeJS.ProcessEnv): ScalingConfig {
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  const publicAddress = env.PUBLIC_ADDRESS?.trim() || undefined;
  if (publicAddress !== undefined && !PUBLIC_ADDRESS_PATTERN.test(publicAddress)) {
    throw new ConfigError(`PUBLIC_ADDRESS must look like host:port or host/path (no scheme), got "${publicAddress}"`);
  }
  if (redisUrl === undefined) return { mode: "single" };
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  }
  if (publicAddress === undefined) {
    throw new ConfigError("PUBLIC_ADDRESS is required with REDIS_URL: each process needs the address clients reach it at");
  }
  return { mode: "redis", redisUrl, publicAddress };
}

/**
 * Redis at start: a process given REDIS_URL waits a few seconds for it to answer, then stops with
 * one line naming it (without credentials) and what to check, rather than with an ioredis error
 * about retries after half a minute of silence.
 */
import { Redis } from "ioredis";
import { redactUrl } from "../config/redact";

/** How long the start waits for REDIS_URL to answer (Redis may be starting beside the server). */
export const REDIS_START_TIMEOUT_MS = 3000;
/** Pause between two connection attempts meanwhile. */
const REDIS_START_RETRY_MS = 250;

/** Why the server does not start: its message is the one line logged. */
export class StartProblem extends Error {
  constructor(message: string, readonly fields: Record<string, unknown>) {
    super(message);
  }
}

/** Resolves once the Redis at `url` is ready; rejects with a StartProblem after `timeoutMs` without it. */
export function redisAnswers(url: string, timeoutMs = REDIS_START_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastError = "no answer";
    const redis = new Redis(url, { connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => REDIS_START_RETRY_MS });
    const done = (problem?: StartProblem) => {
      clearTimeout(timer);
      redis.disconnect();
      problem ? reject(problem) : resolve();
    };
    redis.on("error", (error: Error) => (lastError = error.message || error.name));
    redis.once("ready", () => done());
    const timer = setTimeout(() => {
      const shown = redactUrl(url);
      const message =
        `cannot reach Redis at ${shown} (REDIS_URL) within ${timeoutMs / 1000} s: ${lastError}. ` +
        "Check that Redis is running and reachable from this host, and REDIS_URL's host, port, password and scheme (rediss:// for TLS)";
      done(new StartProblem(message, { redis: shown }));
    }, timeoutMs);
  });
}

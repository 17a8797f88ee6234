/** Waits with a deadline, for conditions no event announces. */

/** Longest a test waits for an event before it fails instead of hanging. */
export const EVENT_TIMEOUT_MS = 4000;

/**
 * Polls `check` every `everyMs` until it gives something other than undefined, null or false, and
 * resolves with that; fails after `timeoutMs`. For conditions no event announces (the server's
 * own bookkeeping, another process, a listing).
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = EVENT_TIMEOUT_MS,
  everyMs = 50,
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

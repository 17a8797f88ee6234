/**
 * Draining, as the cluster sees it: a process that drains takes no new rooms or seats. Its mark is
 * kept in presence (a hash of process ids), so every process's placement leaves it out; the rooms
 * it still has are locked by the process itself (server/ops/drain.ts).
 */
import type { ProcessLoad } from "./placement";

/** Presence hash: process id → when it began to drain (ms since the epoch). */
export const DRAINING_KEY = "draining";

/** What draining needs of the presence (RedisPresence and LocalPresence both have it). */
export interface DrainPresence {
  hset(key: string, field: string, value: string): Promise<unknown>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, field: string): Promise<unknown>;
}

/** How a drain ended: every battle and chat room gone, or DRAIN_TIMEOUT_S passed with some still running. */
export type DrainEnd = "empty" | "timeout";

/** This process's own drain: whether it began, and who hears when it ends (the entry: a graceful shutdown). */
export class DrainState {
  private began: number | undefined;
  private ended = false;

  constructor(private readonly onEnd: (end: DrainEnd) => void) {}

  get draining(): boolean {
    return this.began !== undefined;
  }

  /** True the first time only: a second SIGUSR2 or POST changes nothing. */
  begin(now: number): boolean {
    if (this.began !== undefined) return false;
    this.began = now;
    return true;
  }

  end(end: DrainEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(end);
  }
}

/** Marks `processId` as draining, cluster-wide. */
export function markDraining(presence: DrainPresence, processId: string, now: number): Promise<unknown> {
  return presence.hset(DRAINING_KEY, processId, String(now));
}

/**
 * `loads` without the processes that drain. Marks of processes no longer in `loads` (gone since)
 * are deleted on the way, so the hash never outgrows the cluster.
 */
export async function withoutDraining(presence: DrainPresence, loads: readonly ProcessLoad[]): Promise<ProcessLoad[]> {
  const marks = Object.keys((await presence.hgetall(DRAINING_KEY)) ?? {});
  if (marks.length === 0) return [...loads];
  const known = new Set(loads.map((load) => load.processId));
  await Promise.all(marks.filter((processId) => !known.has(processId)).map((processId) => presence.hdel(DRAINING_KEY, processId)));
  const draining = new Set(marks);
  return loads.filter((load) => !draining.has(load.processId));
}

import { matchMaker } from "@colyseus/core";
import type { Logger } from "../telemetry/log";

/** The channel LobbyRoom listens on (not exported by @colyseus/core 0.16: matchmaker/Lobby.ts). */
const LOBBY_CHANNEL = "$lobby";

/**
 * How often each process looks for processes that died without cleaning up (SIGKILL, crash, power
 * loss). A dead process's rooms leave the listings within this plus one health check
 * (COLYSEUS_PRESENCE_SHORT_TIMEOUT, 2 s by default): under 5 s.
 */
export const DEAD_PROCESS_SWEEP_MS = 2000;

/**
 * Colyseus 0.16 only health-checks other processes when one starts or when a seat reservation times
 * out, so a killed process's rooms stay listed until somebody tries to join them. A live process
 * keeps a Redis subscription on `p:<processId>`; one without it gets a health check and, failing
 * that, its rooms are removed from the listing. Returns the processes removed.
 */
export async function sweepDeadProcesses(): Promise<string[]> {
  const live = new Set((await matchMaker.presence.channels("p:*")).map((channel) => channel.slice(2)));
  const rooms = await matchMaker.query({});
  const known = new Set<string>();
  for (const stats of await matchMaker.stats.fetchAll()) known.add(stats.processId);
  // Rooms of a process already dropped from the stats (after a timed-out create) are orphans too.
  for (const room of rooms) known.add(room.processId);
  known.delete(matchMaker.processId);

  const removed: string[] = [];
  for (const processId of known) {
    if (live.has(processId)) continue;
    if (await matchMaker.healthCheckProcessId(processId)) continue;
    await matchMaker.driver.cleanup?.(processId);
    // Lobby rooms keep their own list and only hear removals from the rooms themselves.
    for (const room of rooms) {
      if (room.processId === processId) await matchMaker.presence.publish(LOBBY_CHANNEL, `${room.roomId},1`);
    }
    removed.push(processId);
  }
  return removed;
}

/** Sweeps every DEAD_PROCESS_SWEEP_MS until the returned stop function is called. */
export function startDeadProcessSweep(log: Logger): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const removed = await sweepDeadProcesses();
      if (removed.length > 0) log.info({ processIds: removed }, "removed the rooms of dead processes");
    } catch (error) {
      log.warn({ err: error }, "dead-process sweep failed");
    } finally {
      running = false;
    }
  }, DEAD_PROCESS_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}

import { matchMaker, type ServerOptions } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import type { ScalingConfig } from "../config/scaling";
import { RoomName } from "../shared/payloads";
import { withoutDraining } from "./drain";
import { RecentPlacements, pickProcess } from "./placement";

/** How long a room placed on another process may be missing from its published counts (1 s + slack). */
const STATS_LAG_MS = 2000;

/**
 * Colyseus server options for the configured mode: in-memory defaults for one process, or
 * RedisPresence + RedisDriver, this process's public address and our placement rule (draining
 * processes left out).
 */
export function scalingOptions(config: ScalingConfig): Partial<ServerOptions> {
  if (config.mode === "single") return {};
  const recent = new RecentPlacements(STATS_LAG_MS);
  return {
    presence: new RedisPresence(config.redisUrl),
    driver: new RedisDriver(config.redisUrl),
    publicAddress: config.publicAddress,
    selectProcessIdToCreateRoom: async (roomName) => {
      // A lobby is a cheap per-process view of the shared listing: keep it next to the client.
      if (roomName === RoomName.lobby) return matchMaker.processId;
      const now = Date.now();
      // A draining process takes no new room; when every process drains, the room stays here.
      const loads = recent.adjust(await withoutDraining(matchMaker.presence, await matchMaker.stats.fetchAll()), now);
      const chosen = pickProcess(loads, Math.random) ?? matchMaker.processId;
      recent.record(chosen, now);
      return chosen;
    },
  };
}

import { matchMaker, type ServerOptions } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import type { ScalingConfig } from "../config/scaling";
import { RoomName } from "../shared/protocol";
import { pickProcess } from "./placement";

/**
 * Colyseus server options for the configured mode: in-memory defaults for one process, or
 * RedisPresence + RedisDriver, this process's public address and our placement rule.
 */
export function scalingOptions(config: ScalingConfig): Partial<ServerOptions> {
  if (config.mode === "single") return {};
  return {
    presence: new RedisPresence(config.redisUrl),
    driver: new RedisDriver(config.redisUrl),
    publicAddress: config.publicAddress,
    selectProcessIdToCreateRoom: async (roomName) =>
      // A lobby is a cheap per-process view of the shared listing: keep it next to the client.
      roomName === RoomName.lobby
        ? matchMaker.processId
        : (pickProcess(await matchMaker.stats.fetchAll(), Math.random) ?? matchMaker.processId),
  };
}

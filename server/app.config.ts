import { Encoder } from "@colyseus/schema";
import { matchMaker } from "@colyseus/core";
import config, { type ConfigOptions } from "@colyseus/tools";
import express from "express";
import { CLIENT_OUT_DIR } from "../scripts/client-paths";
import { MemoryChatHistory } from "./chat/history";
import { RedisChatHistory } from "./chat/redisHistory";
import { retainChat } from "./chat/retention";
import { useSettings, type Settings } from "./config";
import { colyseusLogger } from "./log";
import { hideRouteErrors, mountOps, refuseSourceMaps } from "./ops/http";
import { observeRooms } from "./ops/rooms";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { LobbyRoom } from "./rooms/LobbyRoom";
import { scalingOptions } from "./scaling/options";
import { redisClients, watchRedis } from "./scaling/redisHealth";
import { startDeadProcessSweep } from "./scaling/sweep";
import { createTransport } from "./security/transport";
import { RoomName, STATE_BUFFER_BYTES } from "./shared/protocol";

/** The whole app for `listen()`, built from settings the entry read once (server/index.ts). */
export function createApp(settings: Settings): ConfigOptions {
  useSettings(settings);
  const { scaling } = settings;
  // Bounded by CHAT_HISTORY_*; a new one for each app (tests build many).
  const memoryHistory = new MemoryChatHistory(settings.chatHistory, (topic, line) => matchMaker.presence.publish(topic, line));
  return config({
    options: {
      ...scalingOptions(scaling),
      // Colyseus logs through our structured logger; no banner, no console lines from @colyseus/tools.
      logger: colyseusLogger,
      greet: false,
    },
    displayLogs: false,
    // maxPayload, ALLOWED_ORIGINS, socket caps, the HTTP front door and matchmaking limits (docs/security.md).
    initializeTransport: (options) => createTransport(options, settings),
    initializeExpress: (app) => {
      mountOps(app, settings);
      // The browser client, built by `npm run build:client` (run by `npm start`) or `npm run build`.
      if (settings.production) app.use(refuseSourceMaps);
      app.use(express.static(CLIENT_OUT_DIR));
      app.use(hideRouteErrors);
    },
    initializeGameServer: (gameServer) => {
      // Room states above schema's 8 KB default buffer were encoded twice per join (and warned).
      Encoder.BUFFER_SIZE = STATE_BUFFER_BYTES;
      // The lobby hears of every battle room created, joined, left or disposed.
      observeRooms(gameServer.define(RoomName.lobby, LobbyRoom));
      observeRooms(gameServer.define(RoomName.battle, BattleRoom).enableRealtimeListing());
      // Every member of a channel lands in the same room.
      observeRooms(gameServer.define(RoomName.chat, ChatRoom).filterBy(["channel"]));
      const store = scaling.mode === "redis" ? new RedisChatHistory(scaling.redisUrl, settings.chatHistory) : memoryHistory;
      // CHAT_RETENTION_S: reads leave older lines out and a sweep deletes them (server/chat/retention.ts).
      const history = (ChatRoom.history = retainChat(store, settings.chatRetentionS));
      gameServer.onShutdown(() => history.close());
      if (scaling.mode === "redis") {
        gameServer.onShutdown(startDeadProcessSweep());
        // /ready, one log line per outage, rooms announced again to a Redis that lost them.
        const health = watchRedis(scaling.redisUrl, redisClients(store));
        gameServer.onShutdown(() => health.stop());
      }
    },
  });
}

import config from "@colyseus/tools";
import { settings } from "./config";
import { colyseusLogger } from "./log";
import { mountOps } from "./ops/http";
import { observeRooms } from "./ops/rooms";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { SignedLobbyRoom } from "./rooms/LobbyRoom";
import { LOBBY_ROOM, RoomName } from "./shared/protocol";
import { createTransport } from "./security/transport";
import express from "express";
import { CLIENT_OUT_DIR } from "../scripts/client-paths";

export default config({
  // Colyseus logs through our structured logger; no banner, no console lines from @colyseus/tools.
  options: { logger: colyseusLogger, greet: false },
  displayLogs: false,
  // maxPayload, ALLOWED_ORIGINS, socket cap and the matchmaking guard (README "Security").
  initializeTransport: (options) => createTransport(options),
  initializeExpress: (app) => {
    mountOps(app, settings());
    // The browser client, built by `npm run build:client` (run by `npm start`).
    app.use(express.static(CLIENT_OUT_DIR));
  },
  initializeGameServer: (gameServer) => {
    // The lobby hears of every battle room created, joined, left or disposed.
    gameServer.define(LOBBY_ROOM, SignedLobbyRoom);
    observeRooms(gameServer.define(RoomName.battle, BattleRoom).enableRealtimeListing());
    // Every member of a channel lands in the same room.
    observeRooms(gameServer.define(RoomName.chat, ChatRoom).filterBy(["channel"]));
  },
});

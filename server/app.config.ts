import { LobbyRoom } from "@colyseus/core";
import config from "@colyseus/tools";
import express from "express";
import { CLIENT_OUT_DIR } from "../scripts/client-paths";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { LOBBY_ROOM, RoomName } from "./shared/protocol";

export default config({
  initializeGameServer: (gameServer) => {
    // The lobby hears of every battle room created, joined, left or disposed.
    gameServer.define(LOBBY_ROOM, LobbyRoom);
    gameServer.define(RoomName.battle, BattleRoom).enableRealtimeListing();
    // Every member of a channel lands in the same room.
    gameServer.define(RoomName.chat, ChatRoom).filterBy(["channel"]);
  },
  initializeExpress: (app) => {
    // The browser client, built by `npm run build:client` (run by `npm start`).
    app.use(express.static(CLIENT_OUT_DIR));
  },
});

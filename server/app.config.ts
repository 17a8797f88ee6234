import config from "@colyseus/tools";
import { settings } from "./config";
import { colyseusLogger } from "./log";
import { mountOps } from "./ops/http";
import { observeRooms } from "./ops/rooms";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { RoomName } from "./shared/protocol";
import { createTransport } from "./security/transport";

export default config({
  // Colyseus logs through our structured logger; no banner, no console lines from @colyseus/tools.
  options: { logger: colyseusLogger, greet: false },
  displayLogs: false,
  // maxPayload, ALLOWED_ORIGINS, socket cap and the matchmaking guard (README "Security").
  initializeTransport: (options) => createTransport(options),
  initializeExpress: (app) => mountOps(app, settings()),
  initializeGameServer: (gameServer) => {
    observeRooms(gameServer.define(RoomName.battle, BattleRoom));
    // Every member of a channel lands in the same room.
    observeRooms(gameServer.define(RoomName.chat, ChatRoom).filterBy(["channel"]));
  },
});

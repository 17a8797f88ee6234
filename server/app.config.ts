import config from "@colyseus/tools";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { RoomName } from "./shared/protocol";
import { createTransport } from "./security/transport";

export default config({
  // maxPayload, ALLOWED_ORIGINS, socket cap and the matchmaking guard (README "Security").
  initializeTransport: (options) => createTransport(options),
  initializeGameServer: (gameServer) => {
    gameServer.define(RoomName.battle, BattleRoom);
    // Every member of a channel lands in the same room.
    gameServer.define(RoomName.chat, ChatRoom).filterBy(["channel"]);
  },
});

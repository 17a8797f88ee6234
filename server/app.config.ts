import config from "@colyseus/tools";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { RoomName } from "./shared/protocol";

export default config({
  initializeGameServer: (gameServer) => {
    gameServer.define(RoomName.battle, BattleRoom);
    // Every member of a channel lands in the same room.
    gameServer.define(RoomName.chat, ChatRoom).filterBy(["channel"]);
  },
});

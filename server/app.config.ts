import { Encoder } from "@colyseus/schema";
import config from "@colyseus/tools";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { RoomName, STATE_BUFFER_BYTES } from "./shared/protocol";

export default config({
  initializeGameServer: (gameServer) => {
    Encoder.BUFFER_SIZE = STATE_BUFFER_BYTES;
    gameServer.define(RoomName.battle, BattleRoom);
    // Every member of a channel lands in the same room.
    gameServer.define(RoomName.chat, ChatRoom).filterBy(["channel"]);
  },
});

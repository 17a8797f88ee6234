import { LobbyRoom } from "@colyseus/core";
import config from "@colyseus/tools";
import { RedisChatHistory } from "./chat/redisHistory";
import { scalingConfigOrExit } from "./config/scaling";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { scalingOptions } from "./scaling/options";
import { startDeadProcessSweep } from "./scaling/sweep";
import { CHAT_HISTORY_KEEP, RoomName } from "./shared/protocol";

const scaling = scalingConfigOrExit();

export default config({
  options: scalingOptions(scaling),
  initializeGameServer: (gameServer) => {
    gameServer.define(RoomName.lobby, LobbyRoom);
    gameServer.define(RoomName.battle, BattleRoom).enableRealtimeListing();
    // Every member of a channel lands in the same room.
    gameServer.define(RoomName.chat, ChatRoom).filterBy(["channel"]);
    if (scaling.mode === "redis") {
      const history = new RedisChatHistory(scaling.redisUrl, CHAT_HISTORY_KEEP);
      ChatRoom.history = history;
      const stopSweep = startDeadProcessSweep();
      gameServer.onShutdown(async () => {
        stopSweep();
        await history.close();
      });
    }
  },
});

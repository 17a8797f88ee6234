import { Encoder } from "@colyseus/schema";
import config, { type ConfigOptions } from "@colyseus/tools";
import { CLIENT_OUT_DIR } from "../scripts/client-paths";
import type { Settings } from "./config";
import { createContext, type AppContext, type ContextParts } from "./context";
import { hideRouteErrors, mountOps, refuseSourceMaps } from "./ops/http";
import { staticFiles } from "./ops/staticFiles";
import { observeRooms } from "./ops/roomEvents";
import { BattleRoom } from "./rooms/BattleRoom";
import { ChatRoom } from "./rooms/ChatRoom";
import { bindContext } from "./rooms/guardedRoom";
import { LobbyRoom } from "./rooms/LobbyRoom";
import { scalingOptions } from "./scaling/options";
import { startDeadProcessSweep } from "./scaling/sweep";
import { createTransport } from "./security/transport";
import { STATE_BUFFER_BYTES } from "./shared/limits";
import { RoomName } from "./shared/payloads";
import { consoleStyle } from "./telemetry/log";

/** One app: its context (settings, logger, metrics, stores, limits) and the `@colyseus/tools` config that serves it. */
export interface App {
  context: AppContext;
  config: ConfigOptions;
}

/** The whole app for `listen()`, built from settings the entry read once (server/index.ts). */
export function createApp(settings: Settings, parts: ContextParts = {}): App {
  const context = createContext(settings, parts);
  return {
    context,
    config: config({
      options: {
        ...scalingOptions(settings.scaling),
        // Colyseus logs through our structured logger; no banner, no console lines from @colyseus/tools.
        logger: consoleStyle(context.log),
        greet: false,
      },
      displayLogs: false,
      // maxPayload, ALLOWED_ORIGINS, socket caps, the HTTP front door and matchmaking limits (docs/security.md).
      initializeTransport: (options) => createTransport(options, context),
      initializeExpress: (app) => {
        mountOps(app, context);
        // The browser client, built by `npm run build:client` (run by `npm start`) or `npm run build`:
        // hashed files cached for good, precompressed; index.html revalidated (PUBLIC_ASSET_BASE: files on a CDN).
        if (settings.production) app.use(refuseSourceMaps);
        app.use(staticFiles(CLIENT_OUT_DIR, settings.edge.assetBase));
        app.use(hideRouteErrors(context.log));
      },
      initializeGameServer: (gameServer) => {
        // Room states above schema's 8 KB default buffer were encoded twice per join (and warned).
        Encoder.BUFFER_SIZE = STATE_BUFFER_BYTES;
        // The lobby hears of every battle room created, joined, left or disposed.
        observeRooms(gameServer.define(RoomName.lobby, bindContext(LobbyRoom, context)), context);
        observeRooms(gameServer.define(RoomName.battle, bindContext(BattleRoom, context)).enableRealtimeListing(), context);
        // Every member of a channel lands in the same room.
        observeRooms(gameServer.define(RoomName.chat, bindContext(ChatRoom, context)).filterBy(["channel"]), context);
        context.start();
        // Colyseus keeps one shutdown callback (the last given): everything stops in this one.
        const stopSweep = settings.scaling.mode === "redis" ? startDeadProcessSweep(context.log) : undefined;
        gameServer.onShutdown(async () => {
          stopSweep?.();
          await context.stop();
        });
      },
    }),
  };
}

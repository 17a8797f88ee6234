import { takeEnvNotices } from "./envNotices"; // first: before @colyseus/tools loads .env files
import { listen } from "@colyseus/tools";
import { createApp } from "./app.config";
import { ConfigError, readSettings, type Settings } from "./config";
import { logger } from "./log";
import { announceStart } from "./ops/banner";
import { guardShutdown } from "./ops/shutdown";
import { capHeapGrowth } from "./ops/heap";

/** The settings from process.env (with the .env files @colyseus/tools loaded on import), or exit 1 naming the bad variable. */
function settingsOrExit(): Settings {
  try {
    return readSettings(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
}

capHeapGrowth();
const settings = settingsOrExit();
guardShutdown(settings);
listen(createApp(settings), settings.port).then(
  (gameServer) => {
    for (const notice of takeEnvNotices()) logger.info({ ns: "colyseus" }, notice.replace(/^\W+/u, ""));
    announceStart(gameServer, settings);
  },
  (err: unknown) => {
    logger.fatal({ err, port: settings.port }, "could not start");
    process.exit(1);
  },
);

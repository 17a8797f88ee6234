import { listen } from "@colyseus/tools";
import { createApp } from "./app.config";
import { ConfigError, readSettings, type Settings } from "./config";
import { logger } from "./log";
import { guardShutdown } from "./ops/shutdown";

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

const settings = settingsOrExit();
guardShutdown(settings);
listen(createApp(settings), settings.port).then(
  () => logger.info({ port: settings.port }, "listening"),
  (err: unknown) => {
    logger.fatal({ err, port: settings.port }, "could not start");
    process.exit(1);
  },
);

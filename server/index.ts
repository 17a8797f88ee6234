import { listen } from "@colyseus/tools";
import app from "./app.config";
import { settingsOrExit } from "./config";
import { logger } from "./log";
import { guardShutdown } from "./ops/shutdown";

const settings = settingsOrExit();
guardShutdown(settings);
listen(app, settings.port).then(
  () => logger.info({ port: settings.port }, "listening"),
  (err: unknown) => {
    logger.fatal({ err, port: settings.port }, "could not start");
    process.exit(1);
  },
);

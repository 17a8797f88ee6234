import { takeEnvNotices } from "./envNotices"; // first: before @colyseus/tools loads .env files
import { listen } from "@colyseus/tools";
import app from "./app.config";
import { settingsOrExit } from "./config";
import { logger } from "./log";
import { announceStart } from "./ops/banner";
import { guardShutdown } from "./ops/shutdown";

const settings = settingsOrExit();
guardShutdown(settings);
listen(app, settings.port).then(
  (gameServer) => {
    for (const notice of takeEnvNotices()) logger.info({ ns: "colyseus" }, notice.replace(/^\W+/u, ""));
    announceStart(gameServer, settings);
  },
  (err: unknown) => {
    logger.fatal({ err, port: settings.port }, "could not start");
    process.exit(1);
  },
);

import { takeEnvNotices } from "./envNotices"; // first: before @colyseus/tools loads .env files
import { listen } from "@colyseus/tools";
import { createApp } from "./app.config";
import { ConfigError, readSettings, type Settings } from "./config";
import { announceStart } from "./ops/banner";
import { capHeapGrowth } from "./ops/heap";
import { drainOnSignal, guardShutdown } from "./ops/signals";
import { redisAnswers, StartProblem } from "./scaling/startCheck";
import { createLogger } from "./telemetry/log";
import { processMetrics } from "./telemetry/metrics";

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

/** Builds the app and listens. */
function start(): void {
  // A drain ends in the usual graceful shutdown: the battles left get the shutdown notice.
  const onDrained = () => void process.kill(process.pid, "SIGTERM");
  const { context, config } = createApp(settings, { processMetrics: processMetrics(), onDrained });
  guardShutdown(settings, context.log);
  listen(config, settings.port).then(
    (gameServer) => {
      drainOnSignal(context);
      for (const notice of takeEnvNotices()) context.log.info({ ns: "colyseus" }, notice.replace(/^\W+/u, ""));
      announceStart(gameServer, context);
    },
    (err: unknown) => {
      context.log.fatal({ err, port: settings.port }, "could not start");
      process.exit(1);
    },
  );
}

// With REDIS_URL, before the app opens its own connections: that Redis answers within seconds, or
// the start stops with one line saying what to check.
(settings.scaling.mode === "redis" ? redisAnswers(settings.scaling.redisUrl) : Promise.resolve()).then(start, (err: StartProblem) => {
  createLogger(settings).fatal(err.fields, err.message);
  process.exit(1);
});

/** Shutdown of an app on Redis: the context's stores close and the dead-process sweep stops, both. */
import { boot } from "@colyseus/testing";
import assert from "node:assert/strict";
import { freePort } from "../helpers/ports";
import { requireRedisServer, startRedis, type RedisProcess } from "../helpers/cluster";
import { testApp } from "../helpers/server";

describe("app shutdown with REDIS_URL", function () {
  this.timeout(20_000);
  let redis: RedisProcess;
  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
  });
  after(() => redis?.stop());

  it("stops the app context (stores, Redis probes) as well as the dead-process sweep", async () => {
    const port = await freePort();
    const app = testApp({ REDIS_URL: redis.url, PUBLIC_ADDRESS: `127.0.0.1:${port}` });
    const stop = app.context.stop.bind(app.context);
    let stopped = 0;
    app.context.stop = async () => {
      stopped++;
      await stop();
    };
    const server = await boot(app.config, port);
    await server.shutdown();
    assert.equal(stopped, 1, "context.stop() ran once at shutdown");
  });
});

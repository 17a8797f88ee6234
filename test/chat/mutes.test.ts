/** Mutes live in presence: given in one room on one process, they hold in another. */
import { LocalPresence } from "@colyseus/core";
import { RedisPresence } from "@colyseus/redis-presence";
import assert from "node:assert/strict";
import { Mutes } from "../../server/chat/moderation";
import { requireRedisServer, startRedis, type RedisProcess } from "../helpers/cluster";
import { eventually } from "../helpers/wait";

describe("mutes in presence", function () {
  let redis: RedisProcess;

  before(async function () {
    requireRedisServer(this);
    redis = await startRedis();
  });
  after(() => redis?.stop());

  it("a mute given on one process holds on another sharing the Redis, and an unmute lifts it there", async () => {
    const [a, b] = [new RedisPresence(redis.url), new RedisPresence(redis.url)];
    try {
      const here = new Mutes(a);
      const there = new Mutes(b);
      const now = Date.now();
      here.mute("mallory", 60, now);
      await eventually(async () => (await there.remainingMs("mallory", now)) > 59_000, "the mute seen on the other process");
      assert.equal(await there.remainingMs("alice", now), 0, "others may speak");
      here.unmute("mallory");
      await eventually(async () => (await there.remainingMs("mallory", now)) === 0, "the unmute seen there");
    } finally {
      a.shutdown();
      b.shutdown();
    }
  });

  it("a mute outlives the room that gave it (LocalPresence, one process)", async () => {
    const presence = new LocalPresence();
    const now = Date.now();
    new Mutes(presence).mute("mallory", 30, now);
    // A new room, a new Mutes: only presence remembers.
    assert.ok((await new Mutes(presence).remainingMs("mallory", now + 1000)) > 28_000);
    assert.equal(await new Mutes(presence).remainingMs("mallory", now + 31_000), 0, "it ends on time");
  });
});

import type { ColyseusTestServer } from "@colyseus/testing";
import assert from "node:assert/strict";
import { RoomName } from "../../server/shared/protocol";
import { fuzzHttp } from "../fuzz/http";
import { hearAll } from "../helpers/rooms";
import { bootServer } from "../helpers/server";

describe("fuzz: hostile HTTP requests at every matchmaking spelling and route", () => {
  let server: ColyseusTestServer;

  before(async () => {
    server = await bootServer();
  });
  after(() => server.shutdown());

  it("answers every one (oversize bodies with 413), never crashes, and an honest player still joins", async function () {
    this.timeout(60_000);
    const port = (server.server as unknown as { port: number }).port;
    const figures = await fuzzHttp(port, { seed: 20261201, requests: 600 });
    console.log(`      ${figures.requests} requests, statuses ${JSON.stringify(figures.statuses)}`);
    assert.deepEqual(figures.problems, []);
    assert.equal(figures.crashes, 0);
    assert.equal(figures.hangs, 0);
    assert.equal(figures.oversizeAccepted, 0);
    assert.ok((figures.statuses["413"] ?? 0) > 50, "oversize bodies were tried and refused");
    const honest = hearAll(await server.sdk.joinOrCreate(RoomName.battle, { name: "Honest" }));
    assert.ok(honest.sessionId);
  });
});

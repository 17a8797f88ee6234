import assert from "node:assert/strict";
import { RoomName } from "../../server/shared/protocol";
import { fuzzHttp } from "../fuzz/http";
import { hearAll, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";

describe("fuzz: hostile HTTP requests at every matchmaking spelling and route", () => {
  const server = useServer();

  it("answers every one (oversize bodies with 413), never crashes, and an honest player still joins", async function () {
    this.timeout(60_000);
    const figures = await fuzzHttp(server.port, { seed: 20261201, requests: 600 });
    console.log(`      ${figures.requests} requests, statuses ${JSON.stringify(figures.statuses)}`);
    assert.deepEqual(figures.problems, []);
    assert.equal(figures.crashes, 0);
    assert.equal(figures.hangs, 0);
    assert.equal(figures.oversizeAccepted, 0);
    assert.ok((figures.statuses["413"] ?? 0) > 50, "oversize bodies were tried and refused");
    const honest = hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Honest" }));
    assert.ok(honest.sessionId);
  });
});

/** Stock Colyseus clients name no protocol version: their joins are accepted, and counted for the operator. */
import assert from "node:assert/strict";
import { RoomName } from "../../server/shared/payloads";
import { bootServer, hearAll, sdkOf, type TestServer } from "../helpers/server";

describe("joins that name no protocol version", () => {
  let server: TestServer;

  before(async () => {
    server = await bootServer();
  });
  afterEach(() => server.cleanup());
  after(() => server.shutdown());

  const counted = async (room: string) => {
    const metric = await server.app.context.metrics.registry.getSingleMetric("game_joins_without_protocol_total")!.get();
    return metric.values.find((sample) => sample.labels.room === room)?.value ?? 0;
  };

  it("are accepted and counted in metrics by room type; joins that name it are not counted", async () => {
    // A stock colyseus.js join, without the typed helper that adds `protocol`.
    hearAll(await server.sdk.joinOrCreate(RoomName.battle, { name: "Stock" }));
    hearAll(await server.sdk.joinOrCreate(RoomName.chat, { channel: "stock" }));
    assert.equal(await counted(RoomName.battle), 1);
    assert.equal(await counted(RoomName.chat), 1);
    hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Typed" }));
    assert.equal(await counted(RoomName.battle), 1, "the typed join names its protocol");
  });
});

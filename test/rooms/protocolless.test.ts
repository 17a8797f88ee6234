/** Stock Colyseus clients name no protocol version: their joins are accepted, and counted for the operator. */
import assert from "node:assert/strict";
import { asRoom } from "../../client/rooms";
import { RoomName } from "../../server/shared/payloads";
import { hearAll, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";

describe("joins that name no protocol version", () => {
  const server = useServer();

  const counted = async (room: string) => {
    const metric = await server.context.metrics.registry.getSingleMetric("game_joins_without_protocol_total")!.get();
    return metric.values.find((sample) => sample.labels.room === room)?.value ?? 0;
  };

  it("are accepted and counted in metrics by room type; joins that name it are not counted", async () => {
    // A stock colyseus.js join, without the typed helper that adds `protocol`.
    hearAll(asRoom(RoomName.battle, await server.sdk.joinOrCreate(RoomName.battle, { name: "Stock" })));
    hearAll(asRoom(RoomName.chat, await server.sdk.joinOrCreate(RoomName.chat, { channel: "stock" })));
    assert.equal(await counted(RoomName.battle), 1);
    assert.equal(await counted(RoomName.chat), 1);
    hearAll(await sdkOf(server).joinOrCreate(RoomName.battle, { name: "Typed" }));
    assert.equal(await counted(RoomName.battle), 1, "the typed join names its protocol");
  });
});

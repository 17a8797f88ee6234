import assert from "node:assert/strict";
import { LimitRefusal, ROOMS_PER_ADDRESS, RoomName } from "../../../server/shared/protocol";
import { holdSeatsFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

export const scenario: AbuseScenario = {
  name: "room-flood",
  attack: "one address creates battle rooms and sits in each, to fill the process with ticking rooms",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const { held, refusedWith } = await holdSeatsFrom(port, "127.0.0.3", "create", RoomName.battle, () => ({}), ctx.attackFor(ctx.short ? 4000 : 20_000), ctx.short);
    assert.equal(refusedWith, LimitRefusal.roomsPerAddress, "the address was stopped by its room limit");
    assert.ok(held <= ROOMS_PER_ADDRESS, `${held} rooms created`);
    return { roomsCreated: held, refusedWith: refusedWith ?? 0 };
  },
};

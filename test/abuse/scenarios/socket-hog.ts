import assert from "node:assert/strict";
import { LimitRefusal, MAX_SOCKETS_PER_ADDRESS, RoomName } from "../../../server/shared/protocol";
import { holdSeatsFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

export const scenario: AbuseScenario = {
  name: "socket-hog",
  attack: "one address opens sockets until the process's socket cap would lock everyone out",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    // Reaching the cap takes (cap - burst) / rate seconds at the matchmaking rate: about 5 s.
    const over = ctx.attackFor(ctx.short ? 10_000 : 20_000);
    const { held, refusedWith } = await holdSeatsFrom(port, "127.0.0.4", "joinOrCreate", RoomName.battle, () => ({}), over, ctx.short);
    assert.equal(refusedWith, LimitRefusal.socketsPerAddress, "the address was stopped by its socket limit");
    assert.ok(held <= MAX_SOCKETS_PER_ADDRESS, `${held} sockets open`);
    return { socketsOpened: held, refusedWith: refusedWith ?? 0 };
  },
};

import assert from "node:assert/strict";
import { OUTGOING_MAX_BYTES, RoomName } from "../../../server/shared/protocol";
import { metricValue } from "../../helpers/metrics";
import { openRawRoom, type RawRoom } from "../../helpers/rawRoom";
import { askForRoomLists, closeAll, holdBattleRooms } from "../lobbyLoad";
import type { AbuseScenario } from "../scenario";

/** Issue 13 item 1: clients that stop reading but answer pings must be dropped at the backlog cap. */
export const scenario: AbuseScenario = {
  name: "slow-reader",
  attack: "lobby clients stop reading their sockets, answer pings and keep asking for the room list",
  async run(ctx) {
    const attackMs = ctx.short ? 6000 : 20_000;
    const holders = await holdBattleRooms(ctx.httpUrl, ctx.short ? 20 : 30);
    const attackers: RawRoom[] = [];
    const dropsBefore = await metricValue(ctx.httpUrl, "game_backpressure_drops_total", { reason: "backlog" });
    try {
      const startedAt = performance.now();
      const attack = ctx.attackFor(attackMs);
      const requests = await Promise.all(
        Array.from({ length: ctx.short ? 3 : 10 }, async () => {
          const attacker = await openRawRoom(ctx.httpUrl, "joinOrCreate", RoomName.lobby, {});
          attackers.push(attacker);
          await attacker.joined;
          attacker.stopReading();
          return askForRoomLists(attacker, attack);
        }),
      );
      const closedAt = await Promise.race([Promise.all(attackers.map((a) => a.gone)).then(() => performance.now()), attack.then(() => null)]);
      await attack;
      const dropped = (await metricValue(ctx.httpUrl, "game_backpressure_drops_total", { reason: "backlog" })) - dropsBefore;
      const figures = {
        attackers: attackers.length,
        listedRooms: holders.length,
        filterRequests: requests.reduce((a, b) => a + b, 0),
        droppedForBacklog: dropped,
        allDroppedAfterS: closedAt === null ? "no" : (closedAt - startedAt) / 1000,
        capKB: OUTGOING_MAX_BYTES / 1024,
      };
      assert.ok(closedAt !== null, `every slow reader dropped within the attack (${JSON.stringify(figures)})`);
      assert.ok(dropped >= attackers.length, `dropped for their backlog (${JSON.stringify(figures)})`);
      return figures;
    } finally {
      closeAll([...attackers, ...holders]);
    }
  },
};

import assert from "node:assert/strict";
import { Client, type Room } from "colyseus.js";
import { OUTGOING_MAX_BYTES, RoomName } from "../../../server/shared/protocol";
import { metricValue } from "../../helpers/metrics";
import { openRawRoom, type RawRoom } from "../../helpers/rawRoom";
import { hearAll, sdkOf } from "../../helpers/rooms";
import { askForRoomLists, closeAll, holdBattleRooms } from "../lobbyLoad";
import type { AbuseScenario } from "../scenario";

/** Clients that stop reading but answer pings must be dropped at the backlog cap. */
export const scenario: AbuseScenario = {
  name: "slow-reader",
  attack: "lobby clients stop reading their sockets, answer pings and keep asking for the room list; battle clients stop reading",
  async run(ctx) {
    const attackMs = ctx.short ? 10_000 : 20_000;
    const holders = await holdBattleRooms(ctx.httpUrl, ctx.short ? 20 : 30);
    const attackers: RawRoom[] = [];
    const battleReaders: RawRoom[] = [];
    let honestInRoom: Room | undefined;
    const dropsBefore = await metricValue(ctx.httpUrl, "game_backpressure_drops_total", { reason: "backlog" });
    const cutOffsBefore = await metricValue(ctx.httpUrl, "game_flood_cutoffs_total");
    try {
      const startedAt = performance.now();
      const attack = ctx.attackFor(attackMs);
      // Slow readers in a battle too, beside an honest player of the same room.
      const sameRoom = (honestInRoom = hearAll(await sdkOf(new Client(ctx.wsUrl)).create(RoomName.battle, { name: "SameRoom" })));
      let sameRoomPatches = 0;
      sameRoom.onStateChange(() => sameRoomPatches++);
      for (let i = 0; i < (ctx.short ? 2 : 5); i++) {
        const reader = await openRawRoom(ctx.httpUrl, "joinById", sameRoom.roomId, { name: `Slow${i}` }, { from: `127.7.0.${i + 2}` });
        battleReaders.push(reader);
        await reader.joined;
        reader.stopReading();
      }
      const sameRoomFrom = performance.now();
      const requests = await Promise.all(
        // Each from its own loopback address: the per-address seat budget is another scenario's defence.
        Array.from({ length: ctx.short ? 2 : 10 }, async (_, i) => {
          const attacker = await openRawRoom(ctx.httpUrl, "joinOrCreate", RoomName.lobby, {}, { from: `127.7.1.${i + 2}` });
          attackers.push(attacker);
          await attacker.joined;
          attacker.stopReading();
          return askForRoomLists(attacker, attack);
        }),
      );
      const closedAt = await Promise.race([Promise.all(attackers.map((a) => a.gone)).then(() => performance.now()), attack.then(() => null)]);
      // The full run goes on for its 20 s (what the honest players see after the drops counts too).
      if (!ctx.short) await attack;
      const sameRoomPatchesPerSecond = sameRoomPatches / ((performance.now() - sameRoomFrom) / 1000);
      const dropped = (await metricValue(ctx.httpUrl, "game_backpressure_drops_total", { reason: "backlog" })) - dropsBefore;
      // The lobby's filter has a rate limit of its own: a fast asker is cut off for flooding first.
      const cutOff = (await metricValue(ctx.httpUrl, "game_flood_cutoffs_total")) - cutOffsBefore;
      const figures = {
        attackers: attackers.length,
        listedRooms: holders.length,
        filterRequests: requests.reduce((a, b) => a + b, 0),
        droppedForBacklog: dropped,
        cutOffForFlooding: cutOff,
        allDroppedAfterS: closedAt === null ? "no" : (closedAt - startedAt) / 1000,
        capKB: OUTGOING_MAX_BYTES / 1024,
        sameRoomPatchesPerSecond,
      };
      assert.ok(closedAt !== null, `every slow reader dropped within the attack (${JSON.stringify(figures)})`);
      assert.ok(dropped + cutOff >= attackers.length, `dropped for their backlog or cut off for flooding (${JSON.stringify(figures)})`);
      return figures;
    } finally {
      closeAll([...attackers, ...battleReaders, ...holders]);
      await honestInRoom?.leave();
    }
  },
};

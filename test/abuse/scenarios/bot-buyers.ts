import assert from "node:assert/strict";
import { BOTS_FILL_TO_MAX, MAX_BOTS_PER_PROCESS, RoomName } from "../../../server/shared/protocol";
import { metricValue } from "../../helpers/metrics";
import { openRawRoom, type RawRoom } from "../../helpers/rawRoom";
import { closeAll } from "../lobbyLoad";
import type { AbuseScenario } from "../scenario";

/** Rooms created to buy server-side bots: each asks for a full room of them, so the CPU they cost is the attacker's weapon. */
export const scenario: AbuseScenario = {
  name: "bot-buyers",
  attack: "many addresses create private battles asking for 16 bots each, every one held by an idle player",
  async run(ctx) {
    const addresses = ctx.short ? 4 : 20;
    const perAddress = ctx.short ? 4 : 10;
    const rooms: RawRoom[] = [];
    let refused = 0;
    let peakBots = 0;
    try {
      const over = ctx.attackFor(ctx.short ? 3000 : 20_000);
      await Promise.all(Array.from({ length: addresses }, async (_, a) => {
        for (let i = 0; i < perAddress; i++) {
          try {
            const options = { name: `Buyer${a}x${i}`, private: true, bots: BOTS_FILL_TO_MAX };
            const room = await openRawRoom(ctx.httpUrl, "create", RoomName.battle, options, { from: `127.9.0.${a + 2}` });
            rooms.push(room);
            await room.joined;
          } catch {
            refused++;
          }
          peakBots = Math.max(peakBots, await metricValue(ctx.httpUrl, "game_bots"));
        }
      }));
      await over;
      peakBots = Math.max(peakBots, await metricValue(ctx.httpUrl, "game_bots"));
      const asked = rooms.length * (BOTS_FILL_TO_MAX - 1);
      const figures = { addresses, rooms: rooms.length, refused, botsAsked: asked, peakBots, maxBots: MAX_BOTS_PER_PROCESS };
      assert.ok(asked > MAX_BOTS_PER_PROCESS, `the attack asked for more bots than the process runs (${JSON.stringify(figures)})`);
      assert.ok(peakBots <= MAX_BOTS_PER_PROCESS, `at most MAX_BOTS bots ran (${JSON.stringify(figures)})`);
      return figures;
    } finally {
      closeAll(rooms);
    }
  },
};

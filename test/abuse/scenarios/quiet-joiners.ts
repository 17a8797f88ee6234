import assert from "node:assert/strict";
import { CLOSE_JOIN_UNACKNOWLEDGED, CLOSE_RATE_LIMITED, JOIN_ACK_DEADLINE_MS, RoomName, UNACKED_SOCKETS_PER_ADDRESS } from "../../../server/shared/protocol";
import { openRawRoom, type RawRoom } from "../../helpers/rawRoom";
import { askForRoomLists, closeAll, holdBattleRooms } from "../lobbyLoad";
import type { AbuseScenario } from "../scenario";

/** A crowd of lobby joins from many addresses that never acknowledge JOIN_ROOM, each asking for the room list. */
export const scenario: AbuseScenario = {
  name: "quiet-joiners",
  attack: "many addresses each open many lobby joins that never acknowledge JOIN_ROOM and keep asking for the room list",
  async run(ctx) {
    const holders = await holdBattleRooms(ctx.httpUrl, ctx.short ? 10 : 30);
    const joiners: RawRoom[] = [];
    const addresses = ctx.short ? 8 : 40;
    const perAddress = ctx.short ? 12 : 48;
    let refused = 0;
    // Joiners open at once: the budget bounds these (a joiner cut off for flooding frees its place).
    let open = 0;
    let peakOpen = 0;
    try {
      const attack = ctx.attackFor(JOIN_ACK_DEADLINE_MS + 5000);
      await Promise.all(Array.from({ length: addresses }, async (_, a) => {
        for (let i = 0; i < perAddress; i++) {
          try {
            const joiner = await openRawRoom(ctx.httpUrl, "joinOrCreate", RoomName.lobby, {}, { acknowledge: false, from: `127.4.0.${a + 2}` });
            await joiner.joined.catch((error: Error) => {
              joiner.close();
              throw error;
            });
            joiners.push(joiner);
            peakOpen = Math.max(peakOpen, ++open);
            void joiner.closed.then(() => open--);
            void askForRoomLists(joiner, attack);
          } catch {
            refused++;
          }
        }
      }));
      await attack;
      // Every seated joiner is closed at the deadline after its join at the latest.
      const codes = await Promise.race([Promise.all(joiners.map((j) => j.closed)), new Promise<null>((resolve) => setTimeout(() => resolve(null), JOIN_ACK_DEADLINE_MS + 3000))]);
      const figures = {
        tried: addresses * perAddress,
        seated: joiners.length,
        refused,
        closed4408: codes?.filter((c) => c === CLOSE_JOIN_UNACKNOWLEDGED).length ?? "not all closed",
        cutOff4429: codes?.filter((c) => c === CLOSE_RATE_LIMITED).length ?? 0,
        peakOpen,
      };
      assert.ok(codes !== null, `every quiet joiner closed (${JSON.stringify(figures)})`);
      // Twice the budget: a close reaches this process a moment after the server counted it.
      assert.ok(peakOpen <= addresses * UNACKED_SOCKETS_PER_ADDRESS * 2, `open at once within the per-address budget (${JSON.stringify(figures)})`);
      return figures;
    } finally {
      closeAll([...joiners, ...holders]);
    }
  },
};

import assert from "node:assert/strict";
import { CLOSE_JOIN_UNACKNOWLEDGED, CLOSE_RATE_LIMITED, CLOSE_SEND_BACKLOG, JOIN_ACK_DEADLINE_MS, RoomName } from "../../../server/shared/protocol";
import { openRawRoom, type RawRoom } from "../../helpers/rawRoom";
import { askForRoomLists, closeAll, holdBattleRooms } from "../lobbyLoad";
import type { AbuseScenario } from "../scenario";

/** How long past the JOIN_ROOM deadline the last attacker may take to be closed. */
const DEADLINE_SLACK_MS = 5000;

/**
 * A client that never acknowledges JOIN_ROOM but keeps asking for replies (which Colyseus queues
 * for it) must be closed at the backlog cap, and a quiet one at the deadline.
 */
export const scenario: AbuseScenario = {
  name: "never-acked-join",
  attack: "lobby and battle clients never acknowledge JOIN_ROOM; the lobby ones keep asking for the room list",
  async run(ctx) {
    const holders = await holdBattleRooms(ctx.httpUrl, ctx.short ? 10 : 30);
    const askers: RawRoom[] = [];
    const quiet: RawRoom[] = [];
    try {
      const attack = ctx.attackFor(JOIN_ACK_DEADLINE_MS + DEADLINE_SLACK_MS);
      const startedAt = performance.now();
      // Each from its own loopback address: the per-address seat and unacknowledged-join budgets are other scenarios' defences.
      const requests = await Promise.all(
        Array.from({ length: ctx.short ? 3 : 10 }, async (_, i) => {
          const asker = await openRawRoom(ctx.httpUrl, "joinOrCreate", RoomName.lobby, {}, { acknowledge: false, from: `127.8.0.${i + 2}` });
          askers.push(asker);
          await asker.joined;
          return askForRoomLists(asker, attack);
        }),
      );
      for (let i = 0; i < (ctx.short ? 2 : 5); i++) {
        const idle = await openRawRoom(ctx.httpUrl, "joinOrCreate", RoomName.battle, { name: `Idle${i}` }, { acknowledge: false, from: `127.8.1.${i + 2}` });
        quiet.push(idle);
      }
      const codes = await Promise.race([Promise.all([...askers, ...quiet].map((a) => a.closed)), attack.then(() => null)]);
      const seconds = (performance.now() - startedAt) / 1000;
      const askerCodes = codes?.slice(0, askers.length) ?? [];
      const quietCodes = codes?.slice(askers.length) ?? [];
      const figures = {
        askers: askers.length,
        quiet: quiet.length,
        filterRequests: requests.reduce((a, b) => a + b, 0),
        askersClosedBacklog: askerCodes.filter((c) => c === CLOSE_SEND_BACKLOG).length,
        askersCutOffForFlooding: askerCodes.filter((c) => c === CLOSE_RATE_LIMITED).length,
        quietClosedDeadline: quietCodes.filter((c) => c === CLOSE_JOIN_UNACKNOWLEDGED).length,
        allClosedAfterS: codes === null ? "no" : seconds,
      };
      assert.ok(codes !== null, `every unacknowledged client closed (${JSON.stringify(figures)})`);
      assert.ok(
        // The lobby's filter has a rate limit of its own: a fast asker is cut off for flooding first.
        askerCodes.every((c) => c === CLOSE_SEND_BACKLOG || c === CLOSE_JOIN_UNACKNOWLEDGED || c === CLOSE_RATE_LIMITED),
        `askers closed for their backlog, the deadline or flooding: ${askerCodes.join(",")}`,
      );
      assert.ok(quietCodes.every((c) => c === CLOSE_JOIN_UNACKNOWLEDGED), `quiet ones closed at the deadline: ${quietCodes.join(",")}`);
      return figures;
    } finally {
      closeAll([...askers, ...quiet, ...holders]);
    }
  },
};

import assert from "node:assert/strict";
import { ClientMessage, MAX_QUEUED_MOVES, RoomName, TICK_MS } from "../../../server/shared/protocol";
import { send } from "../../../client/rooms";
import { hearAll, sdkOf } from "../../helpers/rooms";
import { clientFrom, loopFor, waitFor } from "../chat";
import type { AbuseScenario } from "../scenario";

/** Each cycle: a queue's worth of moves held back, then sent at once (a stalled network), then one a tick. */
const CYCLE_MS = 1500;
/** The queue must be back at rest this soon after a burst. */
const RECOVERY_MS = 1000;

/** Mean moves a patch may show unacknowledged once the queue is back at rest (none, most of the time). */
const MOST_WAITING_AT_REST = 0.5;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/**
 * Holds its moves back and sends a full queue at once, one move a tick in between (a network that
 * stalls again and again): its input delay must come back to the at-rest depth within a second of
 * each burst instead of staying a tick behind for good. (The speed limit such bursts meet is
 * tested on the pure step, test/rules/game.test.ts.)
 */
export const scenario: AbuseScenario = {
  name: "move-burst",
  attack: "a queue of moves held back and sent at once, then one a tick, again and again",
  async run(ctx) {
    const room = hearAll(await sdkOf(clientFrom(ctx, "10.11.0.1")).create(RoomName.battle, { name: "Burst", private: true }));
    let seq = 0;
    let burstAt = -Infinity;
    /** [ms since the last burst, moves sent and not yet acknowledged] at every patch. */
    const lags: Array<[number, number]> = [];
    room.onStateChange((state) => {
      const acked = state.players.get(room.sessionId)?.lastInput ?? 0;
      lags.push([performance.now() - burstAt, seq - acked]);
    });
    await waitFor(() => lags.length > 0, "the first patch");
    let held = 0;
    const move = () => send(room, ClientMessage.move, { dx: seq % 400 < 200 ? 1 : -1, dy: 0, seq: ++seq });
    const pacer = setInterval(() => (held > 0 ? held++ : move()), TICK_MS);
    const pacedFrom = lags.length + 1000 / TICK_MS / 2;
    await waitFor(() => lags.length > pacedFrom + 1000 / TICK_MS, "a second at rest");
    const atRest = mean(lags.slice(pacedFrom).map(([, lag]) => lag));
    const cycles = await loopFor(ctx, ctx.short ? 2 * CYCLE_MS : 20_000, ctx.short ? 2 : 100, async () => {
      held = 1;
      await waitFor(() => held > MAX_QUEUED_MOVES, "a queue's worth held back");
      held = 0;
      for (let i = 0; i < MAX_QUEUED_MOVES; i++) move();
      burstAt = performance.now();
      const patches = lags.length;
      await waitFor(() => lags.length > patches && lags.at(-1)![0] >= CYCLE_MS, "a cycle's patches");
    });
    clearInterval(pacer);
    await room.leave();
    const recovered = lags.filter(([since]) => since >= RECOVERY_MS && since < CYCLE_MS).map(([, lag]) => lag);
    const afterBursts = mean(recovered);
    // At rest a move is applied the tick after it arrives, so patches show none waiting; a queue left
    // one move deep keeps every later move a whole tick (one more unacknowledged) behind.
    assert.ok(afterBursts <= MOST_WAITING_AT_REST, `${afterBursts.toFixed(2)} moves unacknowledged from ${RECOVERY_MS} ms after a burst, ${atRest.toFixed(2)} at rest`);
    return { cycles, movesSent: seq, lagAtRest: Number(atRest.toFixed(2)), lagAfterBursts: Number(afterBursts.toFixed(2)) };
  },
};

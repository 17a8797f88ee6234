import assert from "node:assert/strict";
import { roomData } from "../../../loadtest/bench/rawClient";
import { ClientMessage, RoomName } from "../../../server/shared/protocol";
import { openPolling, sessionAlive, type PollingSession } from "../polling";
import type { AbuseScenario } from "../scenario";

const FROM = "127.0.0.41";
/** Move frames per POST: a batch well under the body cap. */
const FRAMES_PER_POST = 50;

/**
 * The fallback's twin of a message flood: POSTs packed with moves and polls as fast as one address
 * can send them; each session cut off is replaced by a new join, as a determined attacker would.
 */
export const scenario: AbuseScenario = {
  name: "polling-flood",
  attack: "one address joins a battle over long polling and floods POSTs packed with moves and polls, joining again when cut off",
  async run(ctx) {
    const move = roomData(RoomName.battle, ClientMessage.move, { dx: 1, dy: 0, seq: 1 });
    let stop = false;
    const over = ctx.attackFor(ctx.short ? 3000 : 20_000).then(() => (stop = true));
    let posts = 0;
    let sessions = 0;
    let joinsRefused = 0;
    const cutOffAfterMs: number[] = [];
    const flooded: PollingSession[] = [];
    while (!stop) {
      let session: PollingSession;
      try {
        session = await openPolling(ctx.httpUrl, FROM, RoomName.battle, {});
      } catch {
        joinsRefused++;
        continue;
      }
      sessions++;
      flooded.push(session);
      await session.acknowledge();
      const started = performance.now();
      let cut = false;
      const poller = (async () => {
        while (!stop && !cut) cut = (await session.poll()).status !== 200;
      })();
      while (!stop && !cut) {
        posts++;
        if ((await session.post(Array.from({ length: FRAMES_PER_POST }, () => move))).status !== 200) cut = true;
      }
      if (cut) cutOffAfterMs.push(performance.now() - started);
      await poller;
    }
    await over;
    let alive = 0;
    for (const session of flooded) if (await sessionAlive(ctx.httpUrl, FROM, session)) alive++;
    const figures = { sessions, joinsRefused, posts, framesSent: posts * FRAMES_PER_POST, slowestCutOffMs: Math.round(Math.max(0, ...cutOffAfterMs)), alive };
    assert.ok(alive <= 1, `every flooding session but the last was cut off (${JSON.stringify(figures)})`);
    return figures;
  },
};

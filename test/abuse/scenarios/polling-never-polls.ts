import assert from "node:assert/strict";
import { FALLBACK_PING_INTERVAL_MS, FALLBACK_PING_TIMEOUT_MS, LIVENESS_MISSED_MAX, LIVENESS_PING_MS, RoomName } from "../../../server/shared/protocol";
import { openPolling, sessionAlive, type PollingSession } from "../polling";
import type { AbuseScenario } from "../scenario";

const FROM = "127.0.0.42";
/** Slack for a busy machine on top of the longer of the two heartbeats. */
const SLACK_MS = 3000;
const CLOSED_WITHIN_MS = Math.max(LIVENESS_PING_MS * (LIVENESS_MISSED_MAX + 1), FALLBACK_PING_INTERVAL_MS + FALLBACK_PING_TIMEOUT_MS) + SLACK_MS;

/** The fallback's twin of a slow reader: sessions in a busy battle that acknowledge their join and never poll again. */
export const scenario: AbuseScenario = {
  name: "polling-never-polls",
  attack: "joins a battle over long polling, acknowledges, and never polls: its patches queue at the server",
  async run(ctx) {
    const count = ctx.short ? 3 : 6;
    const sessions: PollingSession[] = [];
    for (let i = 0; i < count; i++) {
      const session = await openPolling(ctx.httpUrl, FROM, RoomName.battle, {});
      await session.acknowledge();
      sessions.push(session);
    }
    const started = performance.now();
    const closedAt: number[] = [];
    await Promise.all(
      sessions.map(async (session) => {
        while (performance.now() - started < CLOSED_WITHIN_MS + 2000) {
          if (!(await sessionAlive(ctx.httpUrl, FROM, session))) return void closedAt.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }),
    );
    const figures = { sessions: count, closed: closedAt.length, slowestCloseMs: Math.round(Math.max(0, ...closedAt)), limitMs: CLOSED_WITHIN_MS };
    assert.equal(closedAt.length, count, `every silent session was closed (${JSON.stringify(figures)})`);
    assert.ok(Math.max(...closedAt) <= CLOSED_WITHIN_MS, `closed within ${CLOSED_WITHIN_MS} ms (${JSON.stringify(figures)})`);
    return figures;
  },
};

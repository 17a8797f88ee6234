import assert from "node:assert/strict";
import { FALLBACK_PATH } from "../../../server/shared/fallback";
import { JOIN_ACK_DEADLINE_MS, RoomName, UNACKED_SOCKETS_PER_ADDRESS } from "../../../server/shared/protocol";
import { httpFrom, openPolling, sessionAlive, type PollingSession } from "../polling";
import type { AbuseScenario } from "../scenario";

/** Handshakes, seated ones and seatless ones, that never acknowledge their join nor poll again: thousands of half-open sessions. */
export const scenario: AbuseScenario = {
  name: "polling-half-open",
  attack: "many addresses open polling sessions (with seats and without) that never acknowledge the join nor poll",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const addresses = ctx.short ? 6 : 20;
    const seatedPerAddress = ctx.short ? 10 : 16;
    const seatlessPerAddress = ctx.short ? 80 : 150;
    const sessions: { from: string; session: PollingSession }[] = [];
    let refused = 0;
    let seatlessRefused = 0;
    await Promise.all(
      Array.from({ length: addresses }, async (_, a) => {
        const from = `127.5.0.${a + 2}`;
        for (let i = 0; i < seatedPerAddress; i++) {
          try {
            sessions.push({ from, session: await openPolling(ctx.httpUrl, from, RoomName.lobby, {}) });
          } catch {
            refused++;
          }
        }
        for (let i = 0; i < seatlessPerAddress; i++) {
          const answer = await httpFrom(port, from, "GET", `${FALLBACK_PATH}/x/y${i}/?EIO=4&transport=polling&sessionId=none`);
          if (answer.status === 403) seatlessRefused++;
        }
      }),
    );
    // Every seated session is gone by the join-acknowledgement deadline (plus a busy machine's slack).
    await new Promise((resolve) => setTimeout(resolve, JOIN_ACK_DEADLINE_MS + 3000));
    let alive = 0;
    for (const { from, session } of sessions) if (await sessionAlive(ctx.httpUrl, from, session)) alive++;
    const figures = { tried: addresses * (seatedPerAddress + seatlessPerAddress), seated: sessions.length, refused, seatlessRefused, aliveAfterDeadline: alive };
    assert.ok(sessions.length <= addresses * UNACKED_SOCKETS_PER_ADDRESS, `within the per-address budget (${JSON.stringify(figures)})`);
    assert.equal(seatlessRefused, seatlessPerAddress * addresses, `every seatless handshake refused (${JSON.stringify(figures)})`);
    assert.equal(alive, 0, `no half-open session outlived the deadline (${JSON.stringify(figures)})`);
    return figures;
  },
};

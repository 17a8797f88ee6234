import assert from "node:assert/strict";
import { LIVENESS_MISSED_MAX, LIVENESS_PING_MS, RoomName } from "../../../server/shared/protocol";
import { openRawRoom, roomData, type RawRoom } from "../../helpers/rawRoom";
import type { AbuseScenario } from "../scenario";

/**
 * Players of one busy battle that keep moving but stop reading, and answer pings with pongs nobody
 * asked for: their kernels accept what the server sends, so Node's own buffer never fills.
 */
export const scenario: AbuseScenario = {
  name: "kernel-reader",
  attack: "players of one battle from many addresses keep moving but stop reading, sending unasked pongs, while their kernels accept the patches",
  async run(ctx) {
    // A non-reader goes after LIVENESS_MISSED_MAX unproven pings, 6-9 s: the short run's window leaves room for a busy machine (it ends as soon as all are gone).
    const attack = ctx.attackFor(ctx.short ? (LIVENESS_MISSED_MAX + 2) * LIVENESS_PING_MS + 2000 : 20_000);
    const count = ctx.short ? 8 : 30;
    const readers: RawRoom[] = [];
    const timers: NodeJS.Timeout[] = [];
    try {
      const first = await openRawRoom(ctx.httpUrl, "create", RoomName.battle, { name: "K0", maxPlayers: 64 }, { from: "127.3.0.2" });
      readers.push(first);
      for (let i = 1; i < count; i++) readers.push(await openRawRoom(ctx.httpUrl, "joinById", first.seat.room.roomId, { name: `K${i}` }, { from: `127.3.0.${i + 2}` }));
      await Promise.all(readers.map((r) => r.joined));
      const startedAt = performance.now();
      for (const [i, reader] of readers.entries()) {
        let seq = 0;
        timers.push(setInterval(() => reader.send(roomData(RoomName.battle, "move", { dx: i % 2 ? 1 : -1, dy: seq % 40 < 20 ? 1 : -1, seq: ++seq })), 50));
        reader.stopReading(500);
      }
      const goneAt = await Promise.race([Promise.all(readers.map((r) => r.gone)).then(() => performance.now()), attack.then(() => null)]);
      if (!ctx.short) await attack;
      const figures = { nonReaders: count, allGoneAfterS: goneAt === null ? "no" : (goneAt - startedAt) / 1000, stillOpen: readers.filter((r) => r.socket.readyState === r.socket.OPEN).length };
      assert.ok(goneAt !== null, `every non-reader dropped within the attack (${JSON.stringify(figures)})`);
      return figures;
    } finally {
      timers.forEach(clearInterval);
      readers.forEach((r) => r.close());
    }
  },
};

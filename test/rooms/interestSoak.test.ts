/**
 * Interest management in a real room: decoding probes walk through cell views while the crowd moves,
 * joins and leaves, and every patch they decode must hold exactly their view.
 */
import assert from "node:assert/strict";
import { asRoom } from "../../client/rooms";
import type { ClientStates } from "../../client/state";
import { ViewAudit } from "../../loadtest/bench/viewAudit";
import type { BattleState } from "../../server/rooms/schema/BattleState";
import { seededRng } from "../../server/shared/game";
import { INTEREST_CELL, RoomName, TICK_MS } from "../../server/shared/protocol";
import { hearAll, sdkOf } from "../helpers/rooms";
import { BattleRoom } from "../../server/rooms/BattleRoom";
import { INTEREST_ON, INTEREST_ROOM, useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";

/** Probe patches the short soak compares with the server's truth (6 probes, about 4 s). */
const SOAK_CHECKS = 500;

describe("interest management: soak with decoding probes", function () {
  this.timeout(30_000);
  const server = useServer(INTEREST_ON, { rooms: { [INTEREST_ROOM]: BattleRoom } });
  /** A room of many seats, so its map is too big to show whole: interest management applies. */
  const crowdedRoom = async () => hearAll(asRoom(RoomName.battle, await server.sdk.create<ClientStates["battle"]>(INTEREST_ROOM, { maxPlayers: 200 })));
  const joinCrowd = async (roomId: string) => hearAll(await sdkOf<ClientStates>(server).joinById(RoomName.battle, roomId, {}));

  it("leaves walking probes with exactly their view through cell changes, joins and leaves: no ghosts, missing, stale or decode errors", async () => {
    const first = await crowdedRoom();
    const room = server.getRoomById<BattleState>(first.roomId);
    const audit = new ViewAudit(room);
    const crowd: Array<{ leave(): Promise<unknown> }> = [first];
    for (let i = 0; i < 30; i++) crowd.push(await joinCrowd(first.roomId));
    for (let i = 0; i < 6; i++) await audit.probe(server.wsUrl, i);
    const rng = seededRng(1);
    const { width, height } = room.state;
    // The crowd is moved by hand, 60 units a tick: many more cell changes than walking gives.
    const shaker = setInterval(() => {
      room.state.players.forEach((p) => {
        p.x = Math.min(width, Math.max(0, p.x + Math.round((rng() * 2 - 1) * 60)));
        p.y = Math.min(height, Math.max(0, p.y + Math.round((rng() * 2 - 1) * 60)));
      });
    }, TICK_MS);
    let churn = 0;
    try {
      await eventually(async () => {
        if (audit.counts.checked < SOAK_CHECKS) {
          // Players keep leaving and arriving, so views lose and gain members that leave the room.
          if (churn++ % 4 === 0) {
            await crowd.shift()?.leave();
            crowd.push(await joinCrowd(first.roomId));
          }
          return false;
        }
        return true;
      }, `${SOAK_CHECKS} audited patches`, 20_000, 100);
    } finally {
      clearInterval(shaker);
    }
    const counts = await audit.stop();
    console.log(`      soak: ${JSON.stringify(counts)}`);
    assert.ok(counts.viewChanges >= 10, `probes changed view ${counts.viewChanges} times`);
    assert.deepEqual({ ghosts: counts.ghosts, missing: counts.missing, stale: counts.stale, decodeErrors: counts.decodeErrors }, { ghosts: 0, missing: 0, stale: 0, decodeErrors: 0 });
    await Promise.all(crowd.map((c) => c.leave()));
  });

  it("gives a client that reconnects after its player changed cells exactly its new view", async () => {
    const host = await crowdedRoom();
    const room = server.getRoomById<BattleState>(host.roomId);
    const audit = new ViewAudit(room);
    const crowd = [host];
    for (let i = 0; i < 20; i++) crowd.push(await joinCrowd(host.roomId));
    const probe = await audit.probe(server.wsUrl, 0);
    const token = probe.reconnectionToken;
    audit.forget(probe);
    probe.connection.close(); // dropped, not left: the seat waits
    await eventually(() => !room.clients.some((c) => c.sessionId === probe.sessionId), "the server saw the drop");
    // While away, its player is carried to a corner cell and the crowd gathers around it.
    Object.assign(room.state.players.get(probe.sessionId)!, { x: 100, y: 100 });
    const rng = seededRng(2);
    room.state.players.forEach((p, id) => {
      if (id !== probe.sessionId) Object.assign(p, { x: Math.floor(rng() * 2 * INTEREST_CELL), y: Math.floor(rng() * 2 * INTEREST_CELL) });
    });
    audit.watch(await sdkOf<ClientStates>(server).reconnect(RoomName.battle, token), 1);
    const checked = audit.counts.checked;
    await eventually(() => audit.counts.checked >= checked + 40, "40 audited patches after the reconnection");
    const counts = await audit.stop();
    assert.deepEqual({ ghosts: counts.ghosts, missing: counts.missing, stale: counts.stale, decodeErrors: counts.decodeErrors }, { ghosts: 0, missing: 0, stale: 0, decodeErrors: 0 });
    await Promise.all(crowd.map((c) => c.leave()));
  });
});

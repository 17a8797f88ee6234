import assert from "node:assert/strict";
import { RoomName } from "../../../server/shared/protocol";
import { holdSeatsFrom, openSeatFrom, reserveFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

/** Many addresses fill the process with private battles and chat channels, each held by one idle socket. */
export const scenario: AbuseScenario = {
  name: "room-hog",
  attack: "28 addresses create private battles and chat channels, each held by an idle socket, to fill MAX_ROOMS",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const addresses = ctx.short ? 6 : 28;
    const over = ctx.attackFor(ctx.short ? 6000 : 20_000);
    let filled!: () => void;
    const attackers = Promise.all(
      Array.from({ length: addresses }, (_, a) =>
        Promise.all([
          holdSeatsFrom(port, `127.6.0.${a + 2}`, "create", RoomName.battle, () => ({ private: true }), over),
          holdSeatsFrom(port, `127.6.0.${a + 2}`, "joinOrCreate", RoomName.chat, (n) => ({ channel: `hog-${a}-${n}` }), over),
        ]),
      ),
    );
    // The honest player while they hold: quick play, ten times.
    await new Promise<void>((resolve) => {
      filled = resolve;
      setTimeout(filled, ctx.short ? 3000 : 10_000);
    });
    let battles = 0;
    const sockets = [];
    for (let i = 0; i < 10; i++) {
      const seat = await reserveFrom(port, `127.6.1.${i + 2}`, "joinOrCreate", RoomName.battle, { name: `Quick${i}` });
      if (seat.sessionId) {
        battles++;
        sockets.push(await openSeatFrom(port, `127.6.1.${i + 2}`, seat));
      }
    }
    sockets.forEach((socket) => socket.close());
    const held = await attackers;
    const roomsHeld = held.reduce((sum, [rooms, channels]) => sum + rooms.held + channels.held, 0);
    const refusals = [...new Set(held.flatMap(([rooms, channels]) => [rooms.refusedWith, channels.refusedWith]))].join("/");
    const figures = { addresses, roomsHeld, refusedWith: refusals, honestQuickPlay: `${battles}/10` };
    assert.equal(battles, 10, `quick play always finds or creates a public battle (${JSON.stringify(figures)})`);
    return figures;
  },
};

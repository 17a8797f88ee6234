import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { HTTP_CONNECTIONS_PER_ADDRESS, RoomName } from "../../../server/shared/protocol";
import { reserveFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

/** Opens a connection from `localAddress` and sends `head` (or nothing); resolves with the socket and whether it was closed at once. */
function hold(port: number, localAddress: string, head: string | undefined): Promise<{ socket: Socket; refused: boolean; status: Promise<number> }> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    let text = "";
    const status = new Promise<number>((done) => {
      socket.on("data", (chunk) => (text += chunk.toString("latin1")));
      socket.on("close", () => done(Number(text.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0)));
    });
    socket.on("error", () => {});
    socket.once("connect", () => {
      if (head) socket.write(head);
      const timer = setTimeout(() => resolve({ socket, refused: false, status }), 100);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve({ socket, refused: text === "", status });
      });
    });
    socket.once("error", () => resolve({ socket, refused: true, status }));
  });
}

/** Connections nothing answered and nothing counted: PUT /matchmake/..., idle sockets, from many addresses. */
export const scenario: AbuseScenario = {
  name: "http-hold",
  attack: "many addresses open HTTP connections that send PUT /matchmake/... or nothing, and hold them",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const attack = ctx.attackFor(ctx.short ? 4000 : 20_000);
    const sockets: Socket[] = [];
    const addresses = ctx.short ? 5 : 20;
    const perAddress = HTTP_CONNECTIONS_PER_ADDRESS + 20;
    let held = 0;
    let refused = 0;
    const statuses: Promise<number>[] = [];
    try {
      await Promise.all(Array.from({ length: addresses }, async (_, a) => {
        for (let i = 0; i < perAddress; i++) {
          const head = i % 2 === 0 ? `PUT /matchmake/joinOrCreate/${RoomName.battle} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n` : undefined;
          const connection = await hold(port, `127.2.0.${a + 2}`, head);
          sockets.push(connection.socket);
          if (connection.refused) refused++;
          else held++;
          if (head) statuses.push(connection.status);
        }
      }));
      // A newcomer while the connections are held: its /health and its join.
      let health = 0;
      let joins = 0;
      for (let i = 0; i < 10; i++) {
        if ((await fetch(`${ctx.httpUrl}/health`).catch(() => undefined))?.status === 200) health++;
        if ((await reserveFrom(port, `127.2.1.${i + 2}`, "joinOrCreate", RoomName.lobby).catch(() => ({ sessionId: undefined }))).sessionId) joins++;
      }
      await attack;
      const answered = await Promise.race([Promise.all(statuses), new Promise<number[]>((resolve) => setTimeout(() => resolve([]), 2000))]);
      const figures = { addresses, opened: held + refused, held, refusedOnArrival: refused, puts: statuses.length, puts405: answered.filter((s) => s === 405).length, newcomerHealth: `${health}/10`, newcomerJoins: `${joins}/10` };
      // Each address tried 20 past its cap: those are closed on arrival (a few seen late on a busy machine count as held).
      assert.ok(refused >= addresses * 10, `connections past the per-address cap closed on arrival (${JSON.stringify(figures)})`);
      assert.equal(health, 10, `the newcomer's /health (${JSON.stringify(figures)})`);
      assert.equal(joins, 10, `the newcomer's joins (${JSON.stringify(figures)})`);
      return figures;
    } finally {
      sockets.forEach((socket) => socket.destroy());
    }
  },
};

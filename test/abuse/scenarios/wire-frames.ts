import assert from "node:assert/strict";
import { CLOSE_BAD_FRAME, CLOSE_RATE_LIMITED, RoomName } from "../../../server/shared/protocol";
import { openRawRoom, type RawRoom } from "../../helpers/rawRoom";
import type { AbuseScenario } from "../scenario";

/** ROOM_DATA "move" with a 4 KB BigInt: msgpackr decodes it in quadratic time (about 2 ms). */
const BIG_INT = Buffer.concat([Buffer.from("0da46d6f7665c80fe042", "hex"), Buffer.alloc(0x0fe0, 0x7f)]);
const JUNK = Buffer.of(0xff);
const JOIN_AGAIN = Buffer.of(10);
const KINDS = ["bigInt", "junk", "joinAgain"] as const;

/** Seated clients send what no room bucket counts: decode-heavy BigInt frames, junk codes, JOIN_ROOM again and again. */
export const scenario: AbuseScenario = {
  name: "wire-frames",
  attack: "seated clients from many addresses send 4 KB BigInt frames at 45/s, junk-code frames and repeated JOIN_ROOM as fast as they can",
  async run(ctx) {
    const attack = ctx.attackFor(ctx.short ? 4000 : 20_000);
    let over = false;
    void attack.then(() => (over = true));
    const closes: Record<string, number[]> = { bigInt: [], junk: [], joinAgain: [] };
    const rooms: RawRoom[] = [];
    let seats = 0;
    let framesSent = 0;
    const oneSeat = async (i: number) => {
      const kind = KINDS[i % 3]!;
      const room = await openRawRoom(ctx.httpUrl, "joinOrCreate", RoomName.battle, { name: `W${i}` }, { from: `127.1.${Math.floor(i / 200)}.${(i % 200) + 2}` });
      rooms.push(room);
      seats++;
      await room.joined;
      let open = true;
      void room.closed.then(() => (open = false));
      while (open && !over) {
        if (kind === "bigInt") {
          room.send(BIG_INT);
          framesSent++;
          await new Promise((resolve) => setTimeout(resolve, 1000 / 45));
        } else {
          for (let n = 0; n < 200 && open; n++, framesSent++) room.send(kind === "junk" ? JUNK : JOIN_AGAIN);
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      if (!open) closes[kind]!.push(await room.closed);
    };
    try {
      // Eight seats at a time; each one closed is replaced by a new one from a new address until the attack is over.
      let next = 0;
      await Promise.all(Array.from({ length: ctx.short ? 3 : 8 }, async () => {
        while (!over) await oneSeat(next++).catch(() => {});
      }));
      const figures = {
        seats,
        framesSent,
        bigIntClosed4002: closes.bigInt!.filter((c) => c === CLOSE_BAD_FRAME).length,
        junkClosed4002: closes.junk!.filter((c) => c === CLOSE_BAD_FRAME).length,
        joinAgainCutOff4429: closes.joinAgain!.filter((c) => c === CLOSE_RATE_LIMITED).length,
        stillOpenAtEnd: rooms.filter((room) => room.socket.readyState === room.socket.OPEN).length,
      };
      assert.ok(figures.bigIntClosed4002 > 0 && figures.junkClosed4002 > 0 && figures.joinAgainCutOff4429 > 0, `every kind closed (${JSON.stringify(figures)})`);
      assert.ok(figures.stillOpenAtEnd <= (ctx.short ? 3 : 8), `only the last seats still open (${JSON.stringify(figures)})`);
      return figures;
    } finally {
      rooms.forEach((room) => room.close());
    }
  },
};

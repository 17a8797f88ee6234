import assert from "node:assert/strict";
import { LimitRefusal, MATCHMAKE_PER_ADDRESS_BURST, MATCHMAKE_PER_ADDRESS_PER_S, RoomName } from "../../../server/shared/protocol";
import { reserveFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

/** Requests in flight at once from the attacking address. */
const CONCURRENCY = 20;

export const scenario: AbuseScenario = {
  name: "matchmake-flood",
  attack: "one address floods the matchmaker with joinOrCreate requests",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const started = performance.now();
    let accepted = 0;
    let refused = 0;
    let seatsRefused = 0;
    let stop = false;
    const over = ctx.attackFor(ctx.short ? 2000 : 20_000).then(() => (stop = true));
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!stop) {
          const reply = await reserveFrom(port, "127.0.0.2", "joinOrCreate", RoomName.chat, { channel: "abuse-flood" });
          if (reply.status === 429 && reply.code === LimitRefusal.matchmakeRate) refused++;
          // The seats it reserved and never takes are a budget of their own.
          else if (reply.code === LimitRefusal.seatReservations) seatsRefused++;
          else if (reply.sessionId) accepted++;
          else throw new Error(`unexpected answer ${reply.status} ${reply.error}`);
        }
      }),
    );
    await over;
    const seconds = (performance.now() - started) / 1000;
    const allowed = MATCHMAKE_PER_ADDRESS_BURST + MATCHMAKE_PER_ADDRESS_PER_S * seconds;
    assert.ok(accepted <= allowed + CONCURRENCY, `${accepted} requests accepted in ${seconds.toFixed(1)} s (allowed ${allowed.toFixed(0)})`);
    assert.ok(refused + seatsRefused > accepted, "most of the flood was refused");
    return { accepted, refused, seatsRefused, seconds: Number(seconds.toFixed(1)), acceptedPerS: Number((accepted / seconds).toFixed(1)) };
  },
};

import assert from "node:assert/strict";
import { PING_PER_ADDRESS } from "../../../server/shared/limits";
import { getFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

/** Requests in flight at once from the attacking address. */
const CONCURRENCY = 20;
/** Spellings Express routes to /ping (case-insensitive, a trailing slash, a query). */
const SPELLINGS = ["/ping", "/PING", "/ping/", "/ping?x=1", "/Ping?cache=no"];
/** Attacking addresses: the flood comes from several, each is limited on its own. */
const ATTACKERS = ["127.0.0.31", "127.0.0.32", "127.0.0.33"];
const HONEST = "127.0.0.34";

export const scenario: AbuseScenario = {
  name: "ping-flood",
  attack: "three addresses flood GET /ping in every spelling while a fourth measures its round trip",
  async run(ctx) {
    const port = Number(new URL(ctx.httpUrl).port);
    const started = performance.now();
    const accepted = new Map(ATTACKERS.map((address) => [address, 0]));
    let refused = 0;
    let stop = false;
    const over = ctx.attackFor(ctx.short ? 2000 : 20_000).then(() => (stop = true));
    const flood = ATTACKERS.flatMap((address) =>
      Array.from({ length: CONCURRENCY / 2 }, async (_, n) => {
        for (let i = n; !stop; i++) {
          const reply = await getFrom(port, address, SPELLINGS[i % SPELLINGS.length]!);
          if (reply.status === 204) accepted.set(address, accepted.get(address)! + 1);
          else if (reply.status === 429) refused++;
          else throw new Error(`unexpected answer ${reply.status} to ${SPELLINGS[i % SPELLINGS.length]}`);
        }
      }),
    );
    // An honest page measures a region now and then: 4 samples a second, never refused.
    const honest = (async () => {
      let answered = 0;
      while (!stop) {
        for (let sample = 0; sample < 4; sample++) {
          const reply = await getFrom(port, HONEST, "/ping");
          assert.equal(reply.status, 204, "the honest page's ping was refused");
          answered++;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      return answered;
    })();
    await Promise.all(flood);
    const honestPings = await honest;
    await over;
    const seconds = (performance.now() - started) / 1000;
    // Each address got at most its allowance (requests in flight when the attack ended aside); the rest was refused.
    const allowed = PING_PER_ADDRESS.burst + PING_PER_ADDRESS.perSecond * seconds + CONCURRENCY;
    for (const [address, count] of accepted) assert.ok(count <= allowed, `${address}: ${count} pings answered in ${seconds.toFixed(1)} s (allowed ${allowed.toFixed(0)})`);
    const answered = [...accepted.values()].reduce((a, b) => a + b, 0);
    assert.ok(refused > 0, `the flood was refused past its allowance (${refused} refused, ${answered} answered)`);
    return { answered, refused, honestPings, sentPerS: Number(((answered + refused) / seconds).toFixed(0)), refusedPerS: Number((refused / seconds).toFixed(0)) };
  },
};

import assert from "node:assert/strict";
import { PING_PER_ADDRESS } from "../../../server/shared/limits";
import { getFrom } from "../../helpers/addresses";
import type { AbuseScenario } from "../scenario";

/** Requests each attacking address keeps in flight. */
const CONCURRENCY = 10;
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
    const sent = new Map(ATTACKERS.map((address) => [address, 0]));
    const answered = new Map(ATTACKERS.map((address) => [address, 0]));
    let refused = 0;
    let closedOnArrival = 0;
    let stop = false;
    const over = ctx.attackFor(ctx.short ? 2000 : 20_000).then(() => (stop = true));
    const ping = async (address: string, i: number) => {
      const path = SPELLINGS[i % SPELLINGS.length]!;
      sent.set(address, sent.get(address)! + 1);
      // Past the address's open-connection cap the front door closes a connection on arrival: refused too.
      const reply = await getFrom(port, address, path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ECONNRESET" || /socket hang up/.test(error.message)) return { status: 0 };
        throw error;
      });
      if (reply.status === 0) closedOnArrival++;
      else if (reply.status === 204) answered.set(address, answered.get(address)! + 1);
      else if (reply.status === 429) refused++;
      else throw new Error(`unexpected answer ${reply.status} to ${path}`);
    };
    const flood = ATTACKERS.map(async (address) => {
      // Twice the burst at once, however slow the machine, then a steady flood.
      await Promise.all(Array.from({ length: 2 * PING_PER_ADDRESS.burst }, (_, i) => ping(address, i)));
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, n) => {
          for (let i = n; !stop; i += CONCURRENCY) await ping(address, i);
        }),
      );
    });
    // An honest page measures a region now and then: 4 samples a second, never refused.
    const honest = (async () => {
      let pings = 0;
      while (!stop) {
        for (let sample = 0; sample < 4; sample++) {
          const reply = await getFrom(port, HONEST, "/ping");
          assert.equal(reply.status, 204, "the honest page's ping was refused");
          pings++;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      return pings;
    })();
    await Promise.all(flood);
    const honestPings = await honest;
    await over;
    const seconds = (performance.now() - started) / 1000;
    // The defence: each address is answered at most its allowance over the attack's time, the rest refused
    // (how much rest there is depends on how fast this machine lets the attacker send).
    const allowed = PING_PER_ADDRESS.burst + PING_PER_ADDRESS.perSecond * seconds;
    // (Requests still in flight when a refill came count against the slack of CONCURRENCY.)
    for (const address of ATTACKERS) {
      const [count, tried] = [answered.get(address)!, sent.get(address)!];
      assert.ok(count <= allowed + CONCURRENCY, `${address}: ${count} of ${tried} pings answered in ${seconds.toFixed(1)} s (allowed ${allowed.toFixed(0)})`);
    }
    const total = [...answered.values()].reduce((a, b) => a + b, 0);
    return { answered: total, refused, closedOnArrival, honestPings, sentPerS: Number(((total + refused) / seconds).toFixed(0)), refusedPerS: Number((refused / seconds).toFixed(0)) };
  },
};

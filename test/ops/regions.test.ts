/** GET /regions and GET /ping (server/ops/regions.ts, docs/scaling.md "Regions"). */
import assert from "node:assert/strict";
import { PING_PER_ADDRESS } from "../../server/shared/limits";
import { RegionPath } from "../../server/shared/regions";
import { getFrom } from "../helpers/addresses";
import { useServer } from "../helpers/server";

const REGIONS = "eu=http://eu.test:4001,us=https://us.play.example";

describe("regions: GET /regions and GET /ping", () => {
  const server = useServer({ REGION: "eu", REGIONS, ALLOWED_ORIGINS: "" });
  const port = () => server.port;

  it("answers the region list as JSON, cacheable for a minute, to any origin", async () => {
    const reply = await getFrom(port(), "127.0.0.1", RegionPath.regions, { Origin: "http://us.test:4002" });
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), [
      { id: "eu", url: "http://eu.test:4001" },
      { id: "us", url: "https://us.play.example" },
    ]);
    assert.equal(reply.headers["cache-control"], "public, max-age=60");
    assert.match(String(reply.headers["content-type"]), /^application\/json/);
    assert.equal(reply.headers["access-control-allow-origin"], "http://us.test:4002");
  });

  it("answers a ping 204 without a body, never cached, to any origin", async () => {
    const reply = await getFrom(port(), "127.0.0.41", RegionPath.ping, { Origin: "http://us.test:4002" });
    assert.equal(reply.status, 204);
    assert.equal(reply.body, "");
    assert.equal(reply.headers["cache-control"], "no-store");
    assert.equal(reply.headers["access-control-allow-origin"], "http://us.test:4002");
    // Other Express routes still give no CORS headers to every origin.
    const health = await getFrom(port(), "127.0.0.41", "/health", { Origin: "http://us.test:4002" });
    assert.equal(health.headers["access-control-allow-origin"], undefined);
  });

  it(`refuses an address's pings past ${PING_PER_ADDRESS.burst} at once with 429, counted, while another address is answered`, async () => {
    const flooder = "127.0.0.42";
    const spellings = ["/ping", "/PING", "/ping/", "/ping?x=1"];
    const sent = 2 * PING_PER_ADDRESS.burst;
    const started = performance.now();
    const statuses = await Promise.all(Array.from({ length: sent }, (_, i) => getFrom(port(), flooder, spellings[i % spellings.length]!).then((reply) => reply.status)));
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual(new Set(statuses), new Set([204, 429]));
    // Every spelling takes the same bucket: at most the burst and the refill in the time the flood took.
    const answered = statuses.filter((status) => status === 204).length;
    assert.ok(answered >= PING_PER_ADDRESS.burst, `the burst is answered (${answered})`);
    assert.ok(answered <= PING_PER_ADDRESS.burst + Math.ceil(PING_PER_ADDRESS.perSecond * seconds), `${answered} answered of ${sent} in ${seconds.toFixed(2)} s`);
    const over = await getFrom(port(), flooder, RegionPath.ping);
    assert.equal(over.status, 429);
    assert.equal(over.headers["cache-control"], "no-store");
    assert.ok(Number(over.headers["retry-after"]) > 0);
    assert.equal((await getFrom(port(), "127.0.0.43", RegionPath.ping)).status, 204, "another address is not affected");
    assert.ok(Number((await server.context.metrics.text()).match(/^game_ping_refusals_total (\d+)/m)?.[1]) > 0, "counted in /metrics");
  });
});

describe("regions unset: one region", () => {
  const server = useServer({ REGION: "", REGIONS: "" });

  it("answers an empty list: the client stays on the page's own origin", async () => {
    const reply = await getFrom(server.port, "127.0.0.1", RegionPath.regions);
    assert.deepEqual(JSON.parse(reply.body), []);
    assert.equal((await getFrom(server.port, "127.0.0.1", RegionPath.ping)).status, 204);
  });
});

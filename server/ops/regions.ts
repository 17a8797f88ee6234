/**
 * GET /regions and GET /ping (docs/scaling.md "Regions"): the list of regions the client reads from
 * the origin that served it, and the round trip it measures to each, rate-limited per address
 * (PING_PER_ADDRESS). The front door lets both be called from other origins (server/security/frontDoor.ts).
 */
import type express from "express";
import type { AppContext } from "../context";
import { clientAddress } from "../security/clientAddress";
import { PING_PER_ADDRESS } from "../shared/limits";
import { REGIONS_CACHE_S, RegionPath, type RegionEntry } from "../shared/regions";

export function mountRegions(app: express.Express, { settings, pingRate, metrics }: AppContext): void {
  const list: RegionEntry[] = settings.regions.list.map(({ id, url }) => ({ id, url }));
  const body = JSON.stringify(list);
  const { trustedProxies } = settings.limits;
  // First of the app's routes: a ping does nothing but answer.
  app.get(RegionPath.ping, (req, res) => {
    if (!pingRate.admit(clientAddress(req, trustedProxies))) {
      metrics.countPingRefusal();
      res.set({ "Retry-After": String(Math.ceil(PING_PER_ADDRESS.burst / PING_PER_ADDRESS.perSecond)), "Cache-Control": "no-store" }).status(429).end();
      return;
    }
    // Timing-Allow-Origin: the page may read the request's own timing (the round trip without the browser's overhead).
    res.set({ "Cache-Control": "no-store", "Timing-Allow-Origin": "*" }).status(204).end();
  });
  app.get(RegionPath.regions, (_req, res) => {
    res.set("Cache-Control", `public, max-age=${REGIONS_CACHE_S}`).type("application/json").send(body);
  });
}

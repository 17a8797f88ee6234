/**
 * Two regions on one machine (docs/scaling.md "Regions", "A test rig"): a regional redis-server and a
 * server process per region, one chat Redis for both, and the latency proxy in front of each region,
 * twice: viewer "eu" (a player in Europe) reaches eu at EU_NEAR_MS and us at FAR_MS, viewer "us"
 * the reverse. Each region's URL (REGIONS) is http://<id>.test:<port>; each viewer's proxies listen on
 * a loopback address of its own at those ports, and Chromium maps the names there per browser
 * (`--host-resolver-rules`), Node clients with colyseus.js's urlBuilder. Pages load from
 * http://play.test:<eu's own port> (the eu process, no delay: a GeoDNS front or a CDN).
 */
import { Agent, request } from "node:http";
import { Client } from "colyseus.js";
import { requireRedisServer, startRedis, startServer, type RedisProcess, type ServerProcess } from "./cluster";
import { latencyProxy, type LatencyProxy } from "./latency";
import { freePort } from "./ports";

export const REGION_IDS = ["eu", "us"] as const;
export type RegionId = (typeof REGION_IDS)[number];
/** Round trip to the near region and to the far one, as the netcode tests simulate them. */
export const NEAR_MS = 20;
export const FAR_MS = 150;
/** The loopback address each viewer's proxies listen on. */
const VIEWER_HOST: Record<RegionId, string> = { eu: "127.0.0.2", us: "127.0.0.3" };

export interface RigRegion {
  redis: RedisProcess;
  server: ServerProcess | undefined;
  /** The public port in the region's URL (the proxies'). */
  publicPort: number;
  /** The process's own port. */
  port: number;
  url: string;
}

export interface RigOptions {
  /** Settings for every region's process (e.g. AUTH_JWT_SECRET). */
  env?: Record<string, string>;
  /** Regions that reach the chat Redis through a link the test can cut (`cutChat`, `restoreChat`). */
  cuttableChat?: RegionId[];
}

export interface RegionRig {
  chatRedis: RedisProcess;
  regions: Record<RegionId, RigRegion>;
  /** The page's origin (the eu process, directly). */
  pageUrl: string;
  /** Chromium flags for a viewer near `near`. */
  browserArgs(near: RegionId): string[];
  /** A colyseus.js client of region `region` as a viewer near `near` reaches it (its matchmaking and sockets through that viewer's proxy). */
  client(region: RegionId, near: RegionId): Client;
  /** The simulated round trip from a viewer near `near` to `region`. */
  rttMs(region: RegionId, near: RegionId): number;
  /** The round trip that link delivers on this machine right now, as a plain client measures /ping (median of 4, the first thrown away). */
  measureLink(region: RegionId, near: RegionId): Promise<number>;
  /** Starts region `id`'s process again (same port, same Redis) after `stopRegion`. */
  startRegion(id: RegionId): Promise<void>;
  stopRegion(id: RegionId, signal?: NodeJS.Signals): Promise<void>;
  /** Region `id` loses its link to the chat Redis (connections reset, nothing listening), and gets it back. */
  cutChat(id: RegionId): Promise<void>;
  restoreChat(id: RegionId): Promise<void>;
  stop(): Promise<void>;
}

/** Skips the calling suite loudly without redis-server (fails with CI=true). */
export const requireRegionRig = requireRedisServer;

export async function startRegionRig({ env = {}, cuttableChat = [] }: RigOptions = {}): Promise<RegionRig> {
  const chatRedis = await startRedis();
  const chatPort = Number(new URL(chatRedis.url).port);
  // A cuttable link: a proxy without delay on a port of its own, closed and opened again on that port.
  const links = new Map<RegionId, { port: number; proxy: LatencyProxy | undefined }>();
  for (const id of cuttableChat) {
    const port = await freePort();
    links.set(id, { port, proxy: await latencyProxy(chatPort, { rttMs: 0, port }) });
  }
  const chatUrlOf = (id: RegionId) => (links.has(id) ? `redis://127.0.0.1:${links.get(id)!.port}` : chatRedis.url);
  const ports = { eu: { publicPort: await freePort(), port: await freePort() }, us: { publicPort: await freePort(), port: await freePort() } };
  const urlOf = (id: RegionId) => `http://${id}.test:${ports[id].publicPort}`;
  const list = REGION_IDS.map((id) => `${id}=${urlOf(id)}`).join(",");
  const regions = {} as Record<RegionId, RigRegion>;
  for (const id of REGION_IDS) regions[id] = { redis: await startRedis(), server: undefined, ...ports[id], url: urlOf(id) };
  const start = async (id: RegionId) => {
    const region = regions[id];
    region.server = await startServer(region.redis.url, region.port, `${id}.test:${region.publicPort}`, {
      REGION: id,
      REGIONS: list,
      CHAT_REDIS_URL: chatUrlOf(id),
      ...env,
    });
  };
  await Promise.all(REGION_IDS.map(start));
  const rttMs = (region: RegionId, near: RegionId) => (region === near ? NEAR_MS : FAR_MS);
  const proxies: LatencyProxy[] = [];
  for (const near of REGION_IDS) {
    for (const id of REGION_IDS) {
      proxies.push(await latencyProxy(regions[id].port, { rttMs: rttMs(id, near), host: VIEWER_HOST[near], port: regions[id].publicPort }));
    }
  }
  return {
    chatRedis,
    regions,
    pageUrl: `http://play.test:${regions.eu.port}/`,
    browserArgs: (near) => [
      `--host-resolver-rules=${REGION_IDS.map((id) => `MAP ${id}.test ${VIEWER_HOST[near]}`).join(", ")}, MAP play.test 127.0.0.1`,
    ],
    client: (region, near) =>
      new Client(regions[region].url, {
        urlBuilder: (url) => {
          if (url.hostname.endsWith(".test")) url.hostname = VIEWER_HOST[near];
          return url.toString();
        },
      }),
    rttMs,
    measureLink: async (region, near) => {
      const agent = new Agent({ keepAlive: true });
      const times: number[] = [];
      try {
        for (let sample = 0; sample < 4; sample++) {
          const started = performance.now();
          await new Promise<void>((resolve, reject) => {
            const req = request({ host: VIEWER_HOST[near], port: regions[region].publicPort, path: "/ping", agent }, (res) => {
              res.resume();
              res.on("end", () => resolve());
            });
            req.on("error", reject);
            req.end();
          });
          if (sample > 0) times.push(performance.now() - started);
        }
      } finally {
        agent.destroy();
      }
      return times.sort((a, b) => a - b)[1]!;
    },
    startRegion: start,
    stopRegion: async (id, signal = "SIGTERM") => {
      await regions[id].server?.stop(signal);
      regions[id].server = undefined;
    },
    cutChat: async (id) => {
      const link = links.get(id)!;
      await link.proxy?.close();
      link.proxy = undefined;
    },
    restoreChat: async (id) => {
      const link = links.get(id)!;
      link.proxy ??= await latencyProxy(chatPort, { rttMs: 0, port: link.port });
    },
    stop: async () => {
      await Promise.all([...proxies, ...[...links.values()].flatMap((link) => (link.proxy ? [link.proxy] : []))].map((proxy) => proxy.close()));
      await Promise.all(REGION_IDS.map((id) => regions[id].server?.stop("SIGKILL")));
      await Promise.all([chatRedis.stop(), ...REGION_IDS.map((id) => regions[id].redis.stop())]);
    },
  };
}

/**
 * Preloaded into the server process by the bench (`node --import tsx --import serverProbe.ts`):
 * measures event-loop lag inside the server and answers the bench over the fork IPC channel.
 * Without an IPC channel (a server started by hand) it does nothing.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type * as Colyseus from "@colyseus/core";
import type { FromServerProbe, ToServerProbe } from "./plan";
import type { ViewAudit } from "./viewAudit";

/** Sampling resolution of the event-loop delay histogram. */
const LAG_RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;

if (process.send) {
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  let cpuFrom = { at: performance.now(), usage: process.cpuUsage() };
  /** Start of the measured window on V8's profile clock (monotonic microseconds, as process.hrtime). */
  let windowStartUs = 0;
  process.channel?.unref();
  // The bench went away (killed, or its test timed out): do not live on as an orphan holding a port.
  process.on("disconnect", () => process.exit(1));
  process.on("message", (message: ToServerProbe) => {
    if (message.kind === "lag:reset") {
      lag.reset();
      cpuFrom = { at: performance.now(), usage: process.cpuUsage() };
      windowStartUs = monotonicUs();
    }
    if (message.kind === "gc") {
      // The bench starts the server with --expose-gc so RSS readings compare live memory, not garbage.
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      process.send!({ kind: "gc:done", memory: { rss, heapUsed, heapTotal, external, arrayBuffers } } satisfies FromServerProbe);
    }
    if (message.kind === "audit:start") void startAudit(message.probes);
    if (message.kind === "audit:read") void readAudit();
    if (message.kind === "lag:read") {
      // The histogram counts the resolution itself as delay; subtract it so an idle loop reads ~0.
      const ms = (ns: number) => Math.max(0, Math.round((ns / NS_PER_MS - LAG_RESOLUTION_MS) * 10) / 10);
      const reply: FromServerProbe = {
        kind: "lag", p50Ms: ms(lag.percentile(50)), p99Ms: ms(lag.percentile(99)), maxMs: ms(lag.max), cpuPercent: cpuPercentSince(cpuFrom),
        windowUs: [windowStartUs, monotonicUs()],
      };
      process.send!(reply);
    }
  });
}

/** The soak's audit: walking decoding probes in the arena room, checked against the room itself. */
let audit: Promise<ViewAudit> | undefined;

function startAudit(probes: number) {
  audit = (async () => {
    // Loaded only for a soak, and through require: the server runs Colyseus's CommonJS build, and
    // an import() would load its ES build, a second matchmaker that knows no rooms.
    const { matchMaker } = require("@colyseus/core") as typeof Colyseus;
    const { ViewAudit: Audit } = require("./viewAudit") as { ViewAudit: typeof ViewAudit };
    const [listing] = await matchMaker.query({ name: "battle" });
    if (!listing) throw new Error("no battle room to audit");
    const running = new Audit(matchMaker.getLocalRoomById(listing.roomId));
    for (let i = 0; i < probes; i++) await running.probe(`ws://127.0.0.1:${process.env.PORT}`, i);
    return running;
  })();
  // A failure is reported at audit:read.
  audit.catch(() => undefined);
}

async function readAudit() {
  try {
    if (!audit) throw new Error("the audit was never started");
    const counts = await (await audit).stop();
    process.send!({ kind: "audit", counts } satisfies FromServerProbe);
  } catch (error) {
    process.send!({ kind: "audit", counts: null, error: String(error) } satisfies FromServerProbe);
  }
}

/** A --cpu-prof profile's timestamps are this clock: monotonic, in microseconds. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function cpuPercentSince(from: { at: number; usage: NodeJS.CpuUsage }): number {
  const used = process.cpuUsage(from.usage);
  return Math.round(((used.user + used.system) / 1000 / (performance.now() - from.at)) * 1000) / 10;
}

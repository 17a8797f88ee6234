/**
 * Preloaded into the server process by the bench (`node --import tsx --import serverProbe.ts`):
 * measures event-loop lag inside the server and answers the bench over the fork IPC channel.
 * Without an IPC channel (a server started by hand) it does nothing.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { FromServerProbe, ToServerProbe } from "./plan";

/** Sampling resolution of the event-loop delay histogram. */
const LAG_RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;

if (process.send) {
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  let cpuFrom = { at: performance.now(), usage: process.cpuUsage() };
  process.channel?.unref();
  // The bench went away (killed, or its test timed out): do not live on as an orphan holding a port.
  process.on("disconnect", () => process.exit(1));
  process.on("message", (message: ToServerProbe) => {
    if (message.kind === "lag:reset") {
      lag.reset();
      cpuFrom = { at: performance.now(), usage: process.cpuUsage() };
    }
    if (message.kind === "gc") {
      // The bench starts the server with --expose-gc so RSS readings compare live memory, not garbage.
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ kind: "gc:done" } satisfies FromServerProbe);
    }
    if (message.kind === "lag:read") {
      // The histogram counts the resolution itself as delay; subtract it so an idle loop reads ~0.
      const ms = (ns: number) => Math.max(0, Math.round((ns / NS_PER_MS - LAG_RESOLUTION_MS) * 10) / 10);
      const reply: FromServerProbe = { kind: "lag", p50Ms: ms(lag.percentile(50)), p99Ms: ms(lag.percentile(99)), maxMs: ms(lag.max), cpuPercent: cpuPercentSince(cpuFrom) };
      process.send!(reply);
    }
  });
}

function cpuPercentSince(from: { at: number; usage: NodeJS.CpuUsage }): number {
  const used = process.cpuUsage(from.usage);
  return Math.round(((used.user + used.system) / 1000 / (performance.now() - from.at)) * 1000) / 10;
}

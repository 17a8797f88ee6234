/** Measuring helpers: percentiles and readings of another process from /proc (Linux). */
import { readFileSync } from "node:fs";

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of `samples` (milliseconds, or any unit); null without samples. */
export function percentiles(samples: number[]): Percentiles | null {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const round = (v: number) => Math.round(v * 100) / 100;
  return { count: sorted.length, p50: round(rank(50)), p95: round(rank(95)), p99: round(rank(99)), max: round(sorted[sorted.length - 1]) };
}

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_S = 100;

/** CPU seconds (user + system) a process has used so far. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS_PER_S;
}

/** Resident set size of a process in bytes. */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return kb ? Number(kb[1]) * 1024 : NaN;
}

/** CPU use of a process between `start()` and `stop()`, in percent of one core. */
export function cpuMeter(pid: number) {
  let cpu0 = 0;
  let t0 = 0;
  return {
    start() {
      cpu0 = processCpuSeconds(pid);
      t0 = performance.now();
    },
    stop(): number {
      const seconds = (performance.now() - t0) / 1000;
      return Math.round(((processCpuSeconds(pid) - cpu0) / seconds) * 1000) / 10;
    },
  };
}

/** What each connected player added to each part of the server's memory, in KB. */
export function memoryKbPerPlayer(idle: ServerMemory | undefined, end: ServerMemory | undefined, connected: number): MemoryKbPerPlayer | null {
  if (!idle || !end || connected <= 0) return null;
  const per = (key: keyof ServerMemory) => Math.round(((end[key] - idle[key]) / 1024 / connected) * 10) / 10;
  const outsideHeap = (m: ServerMemory) => m.rss - m.heapTotal - m.external;
  return {
    heapUsed: per("heapUsed"),
    heapTotal: per("heapTotal"),
    external: per("external"),
    arrayBuffers: per("arrayBuffers"),
    native: Math.round(((outsideHeap(end) - outsideHeap(idle)) / 1024 / connected) * 10) / 10,
  };
}

/**
 * The server's own memory after a full GC, in bytes (process.memoryUsage): `heapUsed` is live JS,
 * `heapTotal` what V8 holds for it, `external` and `arrayBuffers` memory outside the JS heap that
 * JS objects own; RSS minus all of these is the allocator's and the runtime's.
 */
export interface ServerMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/**
 * KB per connected player, end of the window minus before anyone joined: `heapUsed` live JS objects,
 * `heapTotal` the V8 heap holding them (live + free space V8 keeps), `external` memory JS objects own
 * outside the heap (`arrayBuffers`: Buffers, part of it), `native` the rest of RSS (sockets, the
 * allocator's heaps and their fragmentation, thread stacks).
 */
export interface MemoryKbPerPlayer {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  native: number;
}

/**
 * What the wire meter (./wireMeter.ts) counts, kept in plain numbers and handed to prom-client when
 * /metrics is scraped: a prom-client `inc` or `observe` hashes its labels on every call, and these
 * are called for every message received and every frame sent (a 1000-player room sends 40 000
 * frames a second). The figures served are the same.
 */
import type { Counter, Histogram } from "prom-client";
import { ClientMessage, RoomName } from "../shared/protocol";

/** Upper bounds of the patch size histogram, in bytes. */
export const PATCH_BYTE_BUCKETS = [16, 64, 256, 1024, 4096, 16384, 65536] as const;
/** Frame kinds counted by `game_bytes_sent_total`. */
export const FRAME_KINDS = ["patch", "state", "message", "other"] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

/** Messages received per transport label, then type label, of one room label. */
export type ReceivedCounts<T extends string = string> = Record<T, Record<string, number>>;

const zeroes = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, 0])) as Record<string, number>;

/**
 * prom-client 15.1.3 keeps a histogram's counts of one label set in `hashMap[hash]` (no labels: hash
 * ""), as `{ bucketValues: { [upperBound]: n }, sum, count }`; no public call adds many observations
 * at once. test/ops/wireTally.test.ts fails if that shape changes.
 */
interface HistogramCounts {
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

export class WireTally<T extends string = string> {
  /** Counts by room label, transport label and type label: every label value the meter can give, from zero. */
  private readonly received: Record<string, ReceivedCounts<T>>;
  private readonly sent: Record<FrameKind, number> = zeroes(FRAME_KINDS) as Record<FrameKind, number>;
  /** Patches per histogram bucket (the last: above every bound), their bytes and their number. */
  private readonly patchBuckets = new Float64Array(PATCH_BYTE_BUCKETS.length + 1);
  private patchBytes = 0;
  private patches = 0;

  /** `transports`: the transport label values (server/telemetry/metrics.ts TRANSPORT_LABELS). */
  constructor(transports: readonly T[]) {
    const types = [...Object.values(ClientMessage), "other"];
    const ofRoom = () => Object.fromEntries(transports.map((transport) => [transport, zeroes(types)])) as ReceivedCounts<T>;
    this.received = Object.fromEntries([...Object.values(RoomName), "other"].map((room) => [room, ofRoom()]));
  }

  /** The counts of one room label (a socket's room does not change): `counts[transport][type]++` per message. */
  receivedIn(room: string): ReceivedCounts<T> {
    return this.received[room] ?? this.received.other!;
  }

  /** One frame of `size` bytes sent. */
  frameSent(kind: FrameKind, size: number): void {
    this.sent[kind] += size;
    if (kind !== "patch") return;
    let bucket = 0;
    while (bucket < PATCH_BYTE_BUCKETS.length && size > PATCH_BYTE_BUCKETS[bucket]!) bucket++;
    this.patchBuckets[bucket]! += 1;
    this.patchBytes += size;
    this.patches += 1;
  }

  /** Adds what was received since the last scrape to `counter` (labels room, type, transport). */
  flushReceived(counter: Counter<"room" | "type" | "transport">): void {
    for (const [room, byTransport] of Object.entries(this.received)) {
      for (const [transport, counts] of Object.entries(byTransport) as [string, Record<string, number>][]) {
        for (const type in counts) {
          if (counts[type] === 0) continue;
          counter.inc({ room, type, transport }, counts[type]);
          counts[type] = 0;
        }
      }
    }
  }

  /** Adds the bytes sent since the last scrape to `counter` (label kind). */
  flushSent(counter: Counter<"kind">): void {
    for (const kind of FRAME_KINDS) {
      if (this.sent[kind] === 0) continue;
      counter.inc({ kind }, this.sent[kind]);
      this.sent[kind] = 0;
    }
  }

  /** Adds the patches sent since the last scrape to `histogram` (buckets PATCH_BYTE_BUCKETS, no labels). */
  flushPatches(histogram: Histogram): void {
    if (this.patches === 0) return;
    const store = histogram as unknown as { hashMap: Record<string, HistogramCounts | undefined> };
    if (!store.hashMap[""]) histogram.zero({});
    const counts = store.hashMap[""]!;
    PATCH_BYTE_BUCKETS.forEach((bound, i) => (counts.bucketValues[bound] += this.patchBuckets[i]!));
    counts.sum += this.patchBytes;
    counts.count += this.patches;
    this.patchBuckets.fill(0);
    this.patchBytes = 0;
    this.patches = 0;
  }
}

/**
 * V8's heap growth for a server that never idles. After each full GC, V8 lets the old generation
 * grow by a factor it picks from how cheap GC has been, up to 4x the live heap; a busy room promotes
 * megabytes a second of short-lived garbage, and V8 keeps the space it grew into (RSS), since its
 * memory reducer only runs when allocation slows down, which a game tick never lets it. The figures
 * before and after are in docs/performance.md ("Memory per player").
 */
import { setFlagsFromString } from "node:v8";

/** The old generation may grow by this percent of the live heap before the next full GC. */
export const HEAP_GROWING_PERCENT = 50;

/** Called first thing by the entry: V8 reads the factor at every full GC, so it applies from then on. */
export function capHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

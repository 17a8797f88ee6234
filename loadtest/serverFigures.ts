/**
 * The server's own figures over a load test, from GET /metrics (admin credentials from ADMIN_USER
 * and ADMIN_PASSWORD, as the server reads them): what changed between two readings, per second.
 * No latency: the server cannot see it; `npm run bench` measures it from the clients.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";

/** One reading of /metrics: every counter and gauge summed over its labels, and the tick histogram. */
export interface Reading {
  atMs: number;
  totals: Map<string, number>;
  tick: { count: number; sum: number; buckets: Map<number, number> };
}

const TICK = "game_tick_duration_seconds";

/** Reads /metrics of the server at `httpUrl`; a string says why it could not. */
export async function readMetrics(httpUrl: string, authorization: string): Promise<Reading | string> {
  let response: Response;
  try {
    response = await fetch(`${httpUrl}/metrics`, { headers: { authorization } });
  } catch (error) {
    return `GET ${httpUrl}/metrics failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (response.status === 401) return `GET ${httpUrl}/metrics answered 401: set ADMIN_USER and ADMIN_PASSWORD to the server's`;
  if (!response.ok) return `GET ${httpUrl}/metrics answered ${response.status}`;
  const totals = new Map<string, number>();
  const tick = { count: 0, sum: 0, buckets: new Map<number, number>() };
  for (const family of parsePrometheusTextFormat(await response.text())) {
    for (const sample of family.metrics) {
      if (family.name === TICK) {
        tick.count += Number(sample.count ?? 0);
        tick.sum += Number(sample.sum ?? 0);
        for (const [le, count] of Object.entries(sample.buckets ?? {})) tick.buckets.set(Number(le), (tick.buckets.get(Number(le)) ?? 0) + Number(count));
      } else if (sample.value !== undefined) {
        totals.set(family.name, (totals.get(family.name) ?? 0) + Number(sample.value));
      }
    }
  }
  return { atMs: Date.now(), totals, tick };
}

/** The upper bound of the tick-duration bucket holding the `share` quantile of the ticks between two readings. */
function tickQuantileMs(start: Reading, end: Reading, share: number): number | undefined {
  const ticks = end.tick.count - start.tick.count;
  if (ticks <= 0) return undefined;
  for (const le of [...end.tick.buckets.keys()].sort((a, b) => a - b)) {
    if ((end.tick.buckets.get(le) ?? 0) - (start.tick.buckets.get(le) ?? 0) >= share * ticks) return le * 1000;
  }
  return undefined;
}

/** The figures between `start` and `end`, as lines to print. */
export function describeRun(start: Reading, end: Reading): string[] {
  const seconds = (end.atMs - start.atMs) / 1000;
  const delta = (name: string) => (end.totals.get(name) ?? 0) - (start.totals.get(name) ?? 0);
  const perSecond = (name: string) => (delta(name) / seconds).toFixed(1);
  const ticks = end.tick.count - start.tick.count;
  const meanMs = ticks > 0 ? ((end.tick.sum - start.tick.sum) / ticks) * 1000 : undefined;
  const p99 = tickQuantileMs(start, end, 0.99);
  const lag = end.totals.get("nodejs_eventloop_lag_p99_seconds");
  return [
    `server figures over ${seconds.toFixed(1)} s (GET /metrics; latency: npm run bench)`,
    `  clients ${end.totals.get("game_clients") ?? 0}, rooms ${end.totals.get("game_rooms") ?? 0}`,
    `  messages received ${perSecond("game_messages_received_total")}/s, refused ${delta("game_messages_refused_total")}, rate-limit drops ${delta("game_rate_limit_drops_total")}, flood cut-offs ${delta("game_flood_cutoffs_total")}`,
    `  sent ${(delta("game_bytes_sent_total") / seconds / 1024).toFixed(1)} KiB/s, chat lines relayed ${perSecond("game_chat_lines_relayed_total")}/s, reconnections ${delta("game_reconnections_total")}`,
    `  ticks ${ticks}: mean ${meanMs === undefined ? "-" : meanMs.toFixed(2)} ms, p99 ≤ ${p99 === undefined ? "-" : p99} ms`,
    `  process CPU ${((delta("process_cpu_seconds_total") / seconds) * 100).toFixed(1)} % of a core, event-loop lag p99 ${lag === undefined ? "-" : (lag * 1000).toFixed(1)} ms`,
  ];
}

import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { adminAuthorization } from "./admin";

/**
 * One sample of `name` with exactly `labels` from GET /metrics of the server at `httpUrl` (the
 * admin credentials of this test run, as a server process started now gets them from the
 * environment); 0 when the series does not exist yet.
 */
export async function metricValue(httpUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${httpUrl}/metrics`, { headers: { authorization: adminAuthorization() } });
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  const family = parsePrometheusTextFormat(await res.text()).find((f) => f.name === name);
  if (!family) throw new Error(`metric ${name} is not exported`);
  const match = family.metrics.find((m) => JSON.stringify(m.labels ?? {}) === JSON.stringify(labels));
  return match ? Number(match.value ?? match.count) : 0;
}

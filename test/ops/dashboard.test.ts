import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { ClientMessage, RATE_LIMITS, RoomName } from "../../server/shared/protocol";
import { adminAuthorization } from "../helpers/admin";
import { ROOT } from "../helpers/paths";
import { hearAll, sdkOf } from "../helpers/rooms";
import { useServer } from "../helpers/server";
import { eventually } from "../helpers/wait";
import { send } from "../../client/rooms";

const DEPLOY = join(ROOT, "deploy");
const dashboard = JSON.parse(readFileSync(join(DEPLOY, "grafana/dashboards/game.json"), "utf8")) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; definition?: string }> };
};

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless"]);

/** The metric names a PromQL expression reads: not functions, label names, matchers, ranges or numbers. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, "") // label matchers
    .replace(/\[[^\]]*\]/g, "") // ranges, $__rate_interval
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ""); // label lists
  const names: string[] = [];
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = bare.slice(match.index! + match[0].length).trimStart();
    if (after.startsWith("(") || PROMQL_WORDS.has(match[0])) continue; // a function or an operator word
    names.push(match[0]);
  }
  return names;
}

/** Every series name a scrape can have: histograms add _bucket, _sum and _count to their family name. */
function exportedSeries(text: string): Set<string> {
  const series = new Set<string>();
  for (const family of parsePrometheusTextFormat(text)) {
    series.add(family.name);
    if (family.type === "HISTOGRAM" || family.type === "SUMMARY") for (const suffix of ["_bucket", "_sum", "_count"]) series.add(family.name + suffix);
  }
  return series;
}

describe("the Grafana dashboard (deploy/grafana)", () => {
  const server = useServer();
  const scrape = async () => {
    const res = await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: adminAuthorization(server.settings) } });
    assert.equal(res.status, 200);
    return res.text();
  };

  it("reads the metric names out of PromQL", () => {
    assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (le) (rate(game_patch_bytes_bucket{instance=~"$instance"}[$__rate_interval])))'), ["game_patch_bytes_bucket"]);
    assert.deepEqual(metricNames("sum by (room) (game_clients) / ignoring (x) game_rooms"), ["game_clients", "game_rooms"]);
  });

  it("every panel's query and the process variable name only metrics a real server exports", async () => {
    const exported = exportedSeries(await scrape());
    const queries = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: panel.title, expr: target.expr })));
    for (const variable of dashboard.templating.list) {
      const metric = variable.definition?.match(/^label_values\((\w+),/)?.[1];
      if (metric) queries.push({ where: `variable ${variable.name}`, expr: metric });
    }
    assert.ok(dashboard.panels.length >= 10 && dashboard.panels.every((panel) => panel.targets.length > 0), "every panel has a query");
    const used = new Set<string>();
    for (const { where, expr } of queries) {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${where}: no metric in ${expr}`);
      for (const name of names) {
        assert.ok(exported.has(name), `${where}: ${name} is not exported by the server`);
        used.add(name);
      }
    }
    // The views the dashboard is for: players and rooms, messages in and refused, bytes out, tick and
    // patch percentiles, chat lines, reconnections, rate-limit drops.
    for (const name of [
      "game_clients", "game_rooms", "game_messages_received_total", "game_messages_refused_total", "game_bytes_sent_total",
      "game_tick_duration_seconds_bucket", "game_patch_bytes_bucket", "game_chat_lines_relayed_total", "game_reconnections_total",
      "game_rate_limit_drops_total",
    ]) {
      assert.ok(used.has(name), `a panel shows ${name}`);
    }
    const percentiles = dashboard.panels.flatMap((panel) => panel.targets).filter((target) => target.expr.startsWith("histogram_quantile("));
    assert.equal(percentiles.length, 6, "p50, p95 and p99 of tick duration and patch size");
  });

  it("counts the messages the rate limiter drops, by limited type", async () => {
    const count = async () => {
      const family = parsePrometheusTextFormat(await scrape()).find((f) => f.name === "game_rate_limit_drops_total");
      return Number(family?.metrics.find((m) => m.labels?.type === ClientMessage.chat)?.value ?? 0);
    };
    const before = await count();
    const room = hearAll(await sdkOf(server).joinOrCreate(RoomName.chat, { channel: "flood" }));
    const burst = RATE_LIMITS[ClientMessage.chat].burst;
    for (let i = 0; i < burst + 5; i++) send(room, ClientMessage.chat, { text: `line ${i}` });
    await eventually(async () => (await count()) - before >= 5, "5 chat drops counted");
    await room.leave();
  });

  it("ships a Prometheus scrape sample with the admin credentials and Grafana provisioning for both", () => {
    const scrapeSample = readFileSync(join(DEPLOY, "prometheus/prometheus.yml"), "utf8");
    assert.match(scrapeSample, /metrics_path: \/metrics/);
    assert.match(scrapeSample, /basic_auth:\s+username: admin\s+password_file: /);
    assert.match(readFileSync(join(DEPLOY, "grafana/provisioning/datasources/prometheus.yaml"), "utf8"), /type: prometheus/);
    assert.match(readFileSync(join(DEPLOY, "grafana/provisioning/dashboards/game.yaml"), "utf8"), /type: file/);
  });
});

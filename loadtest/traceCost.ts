/**
 * The CPU cost of tracing, in one process and without sockets: the spans of a chat line (receive,
 * keep, one relay) and of a join (matchmaking, onAuth, seat, join), with the attributes the server
 * gives them, made N times through the app's own Tracing and exported as OTLP/HTTP JSON to a sink
 * in this process that drains and drops them. The same work with tracing off is the baseline.
 * Prints CPU microseconds per chat line and per join, on and off.
 *
 *   node --import tsx loadtest/traceCost.ts [--count 20000]
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { readTracing } from "../server/config/tracing";
import { TRACE_SPANS_QUEUE_MAX } from "../server/shared/limits";
import { SpanKind, Tracing } from "../server/telemetry/tracing";

const { values: args } = parseArgs({ options: { count: { type: "string", default: "20000" } } });
const COUNT = Number(args.count);
const ROOM = { "colyseus.room.name": "chat", "colyseus.room.id": "xK2abcdEf", "colyseus.process_id": "p1Ab2Cd3E", "cloud.region": "eu" };

/** One chat line's spans: receipt, keep inside it, one relay continuing the keep. */
async function chatLine(tracing: Tracing): Promise<void> {
  await tracing.span("chat receive", { kind: SpanKind.SERVER, attributes: { ...ROOM, "colyseus.session_id": "Qa9bcdEfg" } }, () =>
    tracing.span("chat keep", { kind: SpanKind.PRODUCER, attributes: { ...ROOM, "messaging.system": "redis" } }, async () => {
      tracing.span("chat relay", { kind: SpanKind.CONSUMER, attributes: { ...ROOM, "messaging.message.id": "1765000000000001" } }, () => undefined);
    }),
  );
}

/** One join's spans: the matchmaking request, onAuth and the seat inside it, the join after it. */
async function join(tracing: Tracing): Promise<void> {
  await tracing.span("POST /matchmake/{method}/{roomName}", { kind: SpanKind.SERVER, attributes: { "http.request.method": "POST", "colyseus.room.name": "battle" } }, async () => {
    await tracing.span("onAuth", { attributes: { "colyseus.room.name": "battle" } }, async () => undefined);
    await tracing.span("seat reservation", { kind: SpanKind.SERVER, attributes: ROOM }, async () => true);
    await tracing.span("join", { kind: SpanKind.SERVER, attributes: ROOM }, async () => undefined);
  });
}

/** Calls between two flushes: their spans fit in the export queue (TRACE_SPANS_QUEUE_MAX), so none is dropped. */
const FLUSH_EVERY = Math.floor(TRACE_SPANS_QUEUE_MAX / 4 / 2);

/** CPU microseconds per call of `work`, over COUNT calls, the export included. */
async function cpuPer(tracing: Tracing, work: (tracing: Tracing) => Promise<void>): Promise<number> {
  const calls = async (n: number) => {
    for (let i = 1; i <= n; i++) {
      await work(tracing);
      if (i % FLUSH_EVERY === 0) await tracing.flush();
    }
    await tracing.flush();
  };
  await calls(COUNT / 10);
  const start = process.cpuUsage();
  await calls(COUNT);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / COUNT;
}

async function main() {
  let received = 0;
  const sink = createServer((req, res) => {
    req.on("data", (chunk: Buffer) => (received += chunk.length));
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const on = new Tracing(readTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: "200" }));
  const off = new Tracing(undefined);
  const rows: string[] = [];
  for (const [name, work] of [["chat line (3 spans)", chatLine], ["join (4 spans)", join]] as const) {
    const before = received;
    const offUs = await cpuPer(off, work);
    const onUs = await cpuPer(on, work);
    rows.push(`| ${name} | ${offUs.toFixed(2)} | ${onUs.toFixed(2)} | ${(onUs - offUs).toFixed(2)} | ${Math.round((received - before) / (COUNT * 1.1))} |`);
  }
  console.log(`${COUNT} of each, Node ${process.version}\n`);
  console.log("| work | CPU µs off | CPU µs on | tracing's µs | OTLP JSON bytes sent |\n|---|---|---|---|---|");
  console.log(rows.join("\n"));
  await on.stop();
  sink.close();
}

void main();

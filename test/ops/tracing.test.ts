/** The app's tracer on its own: off costs nothing, and a collector that cannot be reached is said once. */
import assert from "node:assert/strict";
import { readTracing } from "../../server/config/tracing";
import { createLogger } from "../../server/telemetry/log";
import { SpanKind, Tracing, traceparentOf } from "../../server/telemetry/tracing";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startCollector } from "../helpers/otlp";
import { eventually } from "../helpers/wait";
import { LogLines } from "../helpers/server";

describe("tracing: the app's tracer", () => {
  it("off: runs the work with no span, and nothing carries a trace context", async () => {
    const tracing = new Tracing(undefined);
    assert.equal(tracing.on, false);
    const seen = await tracing.span("chat keep", { kind: SpanKind.PRODUCER }, async (span) => [span, traceparentOf()]);
    assert.deepEqual(seen, [undefined, undefined]);
    await tracing.stop();
  });

  it("on: the work's span is active inside it, and a log line written there names it", async () => {
    const logs = new LogLines();
    const collector = await startCollector();
    const settings = readTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
    const log = createLogger({ logLevel: "info", logFormat: "json", tracing: settings }, logs);
    const tracing = new Tracing(settings, createLogger({ logLevel: "silent", logFormat: "json" }, logs));
    const traceparent = tracing.span("join", {}, () => {
      log.info("inside");
      return traceparentOf();
    });
    const [, traceId, spanId] = traceparent!.split("-");
    assert.deepEqual(logs.lines.map((line) => [line.msg, line.trace_id, line.span_id]), [["inside", traceId, spanId]]);
    await tracing.stop();
    await collector.close();
  });

  it("warns once, naming the collector without credentials, when spans cannot be exported", async () => {
    const logs = new LogLines();
    // A collector that refuses every export (400: not worth a retry), counting them.
    let refused = 0;
    const refusing = createServer((req, res) => req.resume().on("end", () => (refused++, res.writeHead(400).end())));
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://ops:s3cret@127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const tracing = new Tracing(readTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: "20" }), createLogger({ logLevel: "warn", logFormat: "json" }, logs));
    try {
      // Three exports refused, each its own batch: one warning for all of them.
      for (let batch = 1; batch <= 3; batch++) {
        tracing.span("chat keep", {}, () => undefined);
        await eventually(() => refused >= batch && logs.at("warn").length > 0, `export ${batch} refused`);
      }
      const warnings = logs.at("warn", /could not export spans/);
      assert.equal(warnings.length, 1, JSON.stringify(logs.lines));
      assert.match(String(warnings[0].collector), /^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
      assert.ok(!JSON.stringify(logs.lines).includes("s3cret"));
    } finally {
      await tracing.stop();
      refusing.close();
    }
  });
});

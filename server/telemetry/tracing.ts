/**
 * OpenTelemetry traces (docs/operating.md "Tracing"): one tracer per app, built from the OTEL_*
 * settings, spans posted as OTLP/HTTP JSON. Off (OTEL_EXPORTER_OTLP_ENDPOINT unset): no provider,
 * no exporter, no context manager; every helper below calls straight through.
 *
 * Context crosses processes as a W3C `traceparent` string: inside a published chat line and inside
 * the auth data of a seat reservation (the presence call Colyseus makes to the room's process).
 */
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { setGlobalErrorHandler, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { redactUrl } from "../config/redact";
import type { TracingSettings } from "../config/tracing";
import { TRACE_EXPORT_BATCH_MAX, TRACE_SPANS_QUEUE_MAX } from "../shared/limits";

/** Where failed exports are told (the app's logger; ./log.ts imports this module, so not by its type). */
export interface ExportWarnings {
  warn(fields: object, message: string): void;
}

/** At most one warning this often while the collector refuses or cannot be reached. */
export const TRACE_EXPORT_WARN_EVERY_MS = 60_000;
/** At shutdown, what has not reached the collector within this is given up (the process must exit in time). */
export const TRACE_SHUTDOWN_FLUSH_MS = 2000;

export { SpanKind };
export type { Attributes, Context, Span };

/** Semantic-convention names still marked incubating upstream, copied as the conventions advise. */
export const ATTR_CLOUD_REGION = "cloud.region";
export const ATTR_MESSAGING_SYSTEM = "messaging.system";
export const ATTR_MESSAGING_DESTINATION_NAME = "messaging.destination.name";
export const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type";
export const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id";

/** The field of a published chat line that carries its trace context (never sent to clients, never kept). */
export const TRACEPARENT_FIELD = "tp";
/** Something that may carry a trace context across processes. */
export type Carrying = { [TRACEPARENT_FIELD]?: string };

const propagator = new W3CTraceContextPropagator();

/** The W3C traceparent of `ctx` (the active one by default), or undefined when no sampled span is in it. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  if (!trace.getSpanContext(ctx)) return undefined;
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/** The remote context a traceparent names (the root context when there is none or it is malformed). */
export function contextOf(traceparent: string | undefined): Context {
  if (typeof traceparent !== "string") return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
}

/** A link to the span a traceparent names (none when there is none). */
export function linksTo(traceparent: string | undefined): Link[] {
  const spanContext = trace.getSpanContext(contextOf(traceparent));
  return spanContext ? [{ context: spanContext }] : [];
}

/** Trace and span ids of the active span, for log lines written inside one (server/telemetry/log.ts). */
export function activeTraceFields(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = trace.getSpanContext(context.active());
  return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/** What a span is started with: its kind, attributes, links and parent (the active context by default). */
export interface SpanStart {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  parent?: Context;
}

function samplerOf(settings: TracingSettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.ratio);
  switch (settings.sampler) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return ratio;
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: ratio });
  }
}

/** The app's tracer, or nothing at all when tracing is off. */
export class Tracing {
  private readonly provider: NodeTracerProvider | undefined;
  private readonly tracer: Tracer | undefined;

  /** `log` hears failed exports (at most one line per TRACE_EXPORT_WARN_EVERY_MS). */
  constructor(settings: TracingSettings | undefined, log?: ExportWarnings) {
    if (!settings) return;
    // One per process (the API keeps it globally); a second app in the process finds it set.
    const manager = new AsyncLocalStorageContextManager().enable();
    if (!context.setGlobalContextManager(manager)) manager.disable();
    // The SDK reports failed exports to one handler per process: the last app built in it.
    let warnedAt = -Infinity;
    const collector = redactUrl(settings.tracesUrl);
    setGlobalErrorHandler((error) => {
      const now = performance.now();
      if (now - warnedAt < TRACE_EXPORT_WARN_EVERY_MS) return;
      warnedAt = now;
      log?.warn({ err: error, collector }, "could not export spans to the trace collector (spans are dropped meanwhile)");
    });
    const exporter = new OTLPTraceExporter({ url: settings.tracesUrl, headers: settings.headers });
    this.provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
      sampler: samplerOf(settings),
      spanProcessors: [
        new BatchSpanProcessor(exporter, {
          maxQueueSize: TRACE_SPANS_QUEUE_MAX,
          maxExportBatchSize: TRACE_EXPORT_BATCH_MAX,
          scheduledDelayMillis: settings.exportDelayMs,
        }),
      ],
    });
    this.tracer = this.provider.getTracer("colyseus-battle-chat");
  }

  get on(): boolean {
    return this.tracer !== undefined;
  }

  /**
   * Runs `work` inside a new span, ended when `work` returns or settles; a throw or a rejection is
   * recorded on it. Off: runs `work` with no span.
   */
  span<T>(name: string, start: SpanStart, work: (span: Span | undefined) => T): T {
    const span = this.start(name, start);
    if (!span) return work(undefined);
    return context.with(trace.setSpan(start.parent ?? context.active(), span), () => {
      try {
        const result = work(span);
        if (result instanceof Promise) {
          return result.then(
            (value) => (span.end(), value),
            (error: unknown) => {
              failed(span, error);
              throw error;
            },
          ) as T;
        }
        span.end();
        return result;
      } catch (error) {
        failed(span, error);
        throw error;
      }
    });
  }

  /** A span the caller ends (an HTTP request ends with its response); undefined when off. */
  start(name: string, { kind, attributes, links, parent }: SpanStart): Span | undefined {
    return this.tracer?.startSpan(name, { kind, attributes, links }, parent ?? context.active());
  }

  /** Runs `work` with `span` active (as is, when there is no span). */
  within<T>(span: Span | undefined, work: () => T): T {
    return span ? context.with(trace.setSpan(context.active(), span), work) : work();
  }

  /** An event on the active span: a refusal or a cut-off. Nothing without one. */
  event(name: string, attributes: Attributes): void {
    if (this.tracer) trace.getActiveSpan()?.addEvent(name, attributes);
  }

  /** Sends what has ended and not yet been sent. */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  /** Sends what is left and stops, at shutdown. */
  async stop(): Promise<void> {
    if (!this.provider) return;
    let timer: NodeJS.Timeout | undefined;
    const givenUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, TRACE_SHUTDOWN_FLUSH_MS)));
    await Promise.race([this.provider.shutdown().catch(() => undefined), givenUp]);
    clearTimeout(timer);
  }
}

/** Marks `span` failed with `error`, and ends it. */
function failed(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
}

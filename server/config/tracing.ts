/**
 * OpenTelemetry tracing from the standard OTEL_* variables, read by readSettings (./index.ts); see
 * docs/operating.md "Tracing". Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (and OTEL_SDK_DISABLED
 * is not true).
 *
 * OTEL_EXPORTER_OTLP_ENDPOINT  collector base URL; spans go to <it>/v1/traces (OTLP/HTTP)
 * OTEL_EXPORTER_OTLP_PROTOCOL  http/json, the one protocol this server sends (unset means it)
 * OTEL_EXPORTER_OTLP_HEADERS   headers of every export, `key=value,key2=value2` (values URL-encoded): a collector's API key
 * OTEL_SERVICE_NAME            service.name of every span (default DEFAULT_SERVICE_NAME)
 * OTEL_TRACES_SAMPLER          always_on, always_off, traceidratio, parentbased_* (default parentbased_always_on)
 * OTEL_TRACES_SAMPLER_ARG      the ratio of the *traceidratio samplers, 0 to 1 (default 1)
 * OTEL_BSP_SCHEDULE_DELAY      ms between two exports of the finished spans (default 5000)
 */
import { from } from "env-var";
import { ConfigError } from "./error";

export const TRACE_SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

export const DEFAULT_SERVICE_NAME = "colyseus-battle-chat";
/** The batch span processor's default export delay (OpenTelemetry's own). */
export const DEFAULT_EXPORT_DELAY_MS = 5000;

export interface TracingSettings {
  /** Where spans are posted: the endpoint's /v1/traces. */
  tracesUrl: string;
  /** Sent with every export (never logged or shown). */
  headers: Record<string, string>;
  serviceName: string;
  sampler: TraceSampler;
  /** The ratio of the *traceidratio samplers. */
  ratio: number;
  exportDelayMs: number;
}

/** The tracing settings, or undefined when tracing is off. */
export function readTracing(env: Record<string, string>): TracingSettings | undefined {
  const vars = from(env);
  const disabled = vars.get("OTEL_SDK_DISABLED").default("false").asBool();
  const endpoint = vars.get("OTEL_EXPORTER_OTLP_ENDPOINT").asUrlString();
  const protocol = vars.get("OTEL_EXPORTER_OTLP_PROTOCOL").default("http/json").asString();
  if (protocol !== "http/json") throw new ConfigError(`"OTEL_EXPORTER_OTLP_PROTOCOL" must be http/json (the one protocol this server sends), not "${protocol}"`);
  const serviceName = vars.get("OTEL_SERVICE_NAME").default(DEFAULT_SERVICE_NAME).asString();
  const sampler = vars.get("OTEL_TRACES_SAMPLER").default("parentbased_always_on").asEnum(TRACE_SAMPLERS);
  const ratio = vars.get("OTEL_TRACES_SAMPLER_ARG").default("1").asFloat();
  if (!(ratio >= 0 && ratio <= 1)) throw new ConfigError('"OTEL_TRACES_SAMPLER_ARG" must be a ratio from 0 to 1');
  const exportDelayMs = vars.get("OTEL_BSP_SCHEDULE_DELAY").default(String(DEFAULT_EXPORT_DELAY_MS)).asIntPositive();
  const headers = readHeaders(vars.get("OTEL_EXPORTER_OTLP_HEADERS").default("").asString());
  if (disabled || endpoint === undefined) return undefined;
  const protocolOk = /^https?:$/.test(new URL(endpoint).protocol);
  if (!protocolOk) throw new ConfigError('"OTEL_EXPORTER_OTLP_ENDPOINT" must be an http:// or https:// URL');
  return { tracesUrl: `${endpoint.replace(/\/+$/, "")}/v1/traces`, headers, serviceName, sampler, ratio, exportDelayMs };
}

/** `key=value,key2=value2` (W3C baggage style, values URL-encoded) as a record. */
function readHeaders(value: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of value.split(",").filter((item) => item.trim() !== "")) {
    const at = pair.indexOf("=");
    const key = pair.slice(0, at).trim();
    if (at <= 0 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) throw new ConfigError('"OTEL_EXPORTER_OTLP_HEADERS" must be key=value pairs separated by commas');
    try {
      headers[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new ConfigError(`"OTEL_EXPORTER_OTLP_HEADERS" has a badly encoded value for ${key}`);
    }
  }
  return headers;
}

/** The library's settings, read once from the environment into a typed, readonly object. */
import { ConfigError } from './configError';
import { booleanFlag, nonEmpty, oneOf, positiveInt } from './envValues';
import type { Env } from './envValues';

const EXPORTERS = ['console', 'otlp', 'gcp', 'gcp_otlp', 'none'] as const;
export type TracesExporterName = (typeof EXPORTERS)[number];

/**
 * The standard OTEL_TRACES_SAMPLER values the SDK implements, and the library's default
 * (createSampler.ts): a sampled parent is followed, anything else is decided by the trace-id ratio.
 */
const SAMPLERS = [
  'sampled_parent_or_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** What an HTTP function does with an incoming traceparent: make it the parent, or only link to it. */
const INCOMING_CONTEXT_MODES = ['continue', 'link'] as const;
export type IncomingTraceContextMode = (typeof INCOMING_CONTEXT_MODES)[number];

const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** When spans are exported: before the response leaves (request-based billing) or in the background. */
const FLUSH_MODES = ['before-response', 'background'] as const;
export type FlushMode = (typeof FLUSH_MODES)[number];

export interface TracingConfig {
  /**
   * GOOGLE_CLOUD_PROJECT (or GCLOUD_PROJECT): log-to-trace links and the Google exporters.
   * Unset on Google Cloud: the Google exporters ask the platform (the metadata server,
   * through Application Default Credentials). Unset elsewhere: start-up stops if the
   * exporter needs one, rather than sending spans to a project nobody owns.
   */
  readonly projectId: string | undefined;
  /** service.name on every span: OTEL_SERVICE_NAME, else the deployed service, else the target. */
  readonly serviceName: string;
  readonly tracesExporter: TracesExporterName;
  /**
   * OTLP transport (OTEL_EXPORTER_OTLP_PROTOCOL): `http/protobuf` (the OpenTelemetry
   * default, port 4318, and the cheapest here: see docs/performance.md), `http/json`, or `grpc` (4317).
   */
  readonly otlpProtocol: OtlpProtocol;
  /** OTEL_SDK_DISABLED=true: no provider, no instrumentation, no flush (the untraced baseline). */
  readonly sdkDisabled: boolean;
  /** Upper bound on the flush an invocation waits for before it answers (FLUSH_TIMEOUT_MS). */
  readonly flushTimeoutMs: number;
  /**
   * FLUSH_MODE: `before-response` (default; request-based billing throttles the CPU once
   * the response has left, so each invocation flushes first) or `background`
   * (instance-based billing, "CPU always allocated": spans are batched and exported off
   * the request path, and everything left is flushed on SIGTERM).
   */
  readonly flushMode: FlushMode;
  /** Running on Google Cloud (Cloud Run functions set K_SERVICE and K_REVISION). */
  readonly onGcp: boolean;
  /** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (ratio 0..1, used by the *traceidratio samplers). */
  readonly sampler: { readonly name: SamplerName; readonly ratio: number };
  /** Longest attribute value kept on a span (longer strings are truncated). */
  readonly attributeValueLengthLimit: number;
  /** Cloud Trace API `host:port` for `gcp` (CLOUD_TRACE_ENDPOINT); unset: cloudtrace.googleapis.com:443. */
  readonly cloudTraceEndpoint: string | undefined;
  /** Telemetry API (OTLP/gRPC, TLS) URL for `gcp_otlp`: the standard OTLP endpoint variables, else Google's. */
  readonly telemetryApiEndpoint: string;
  /**
   * Spans waiting for export at most (OTEL_BSP_MAX_QUEUE_SIZE, default 2048) and per
   * export (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, default 512): what a collector outage can
   * cost in memory. Spans beyond the queue are dropped and counted.
   */
  readonly spanQueueSize: number;
  readonly spanExportBatchSize: number;
  /**
   * TRACE_INCOMING_CONTEXT: `continue` (default; the caller's span is the parent, as on a
   * private, authenticated endpoint) or `link` (public endpoint: the caller's context is
   * untrusted, so a new root trace links to it).
   */
  readonly traceIncomingContext: IncomingTraceContextMode;
  /**
   * TRACE_CLIENT_ADDRESS=true: the server span records the caller's IP address
   * (`client.address`). Off by default: an IP address is personal data.
   */
  readonly recordClientAddress: boolean;
}

// Accepted spellings of the Cloud Trace exporter, as other Google samples name it.
const GCP_ALIASES = new Set(['gcp', 'google_cloud_trace', 'cloud_trace', 'gcp_trace']);
// Google's OTLP endpoint for gcp_otlp (the Telemetry API); the standard OTLP variables override it.
const TELEMETRY_API_ENDPOINT = 'https://telemetry.googleapis.com:443';
// Long enough for any URL, user agent or error message we record; keeps a hostile header
// (or a huge error) from bloating every export. Cloud Trace itself keeps 256 bytes per value.
const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 1024;
// The exporters that file spans under a Google Cloud project.
const NEEDS_PROJECT: ReadonlySet<TracesExporterName> = new Set(['gcp', 'gcp_otlp']);

/** Reads the tracing settings from `env` (and `argv` for functions-framework's --target). */
export function loadTracingConfig(env: Env = process.env, argv: readonly string[] = process.argv): TracingConfig {
  const onGcp = Boolean(env.K_SERVICE && env.K_REVISION);
  const tracesExporter = exporterName(env, onGcp);
  const projectId = nonEmpty(env, 'GOOGLE_CLOUD_PROJECT') ?? nonEmpty(env, 'GCLOUD_PROJECT');
  if (projectId === undefined && !onGcp && NEEDS_PROJECT.has(tracesExporter) && !booleanFlag(env, 'OTEL_SDK_DISABLED')) {
    throw new ConfigError('GOOGLE_CLOUD_PROJECT', `is not set, and OTEL_TRACES_EXPORTER=${tracesExporter} needs the project to send spans to (off Google Cloud nobody else can say which)`);
  }
  return Object.freeze({
    projectId,
    serviceName:
      nonEmpty(env, 'OTEL_SERVICE_NAME') ??
      nonEmpty(env, 'K_SERVICE') ??
      nonEmpty(env, 'FUNCTION_TARGET') ??
      targetFromArgv(argv) ??
      'unknown_service:node',
    tracesExporter,
    otlpProtocol: otlpProtocol(env),
    sdkDisabled: booleanFlag(env, 'OTEL_SDK_DISABLED'),
    flushTimeoutMs: positiveInt(env, 'FLUSH_TIMEOUT_MS', 3000, 60_000),
    flushMode: oneOf(env, 'FLUSH_MODE', FLUSH_MODES, 'before-response'),
    onGcp,
    sampler: sampler(env),
    attributeValueLengthLimit: attributeValueLengthLimit(env),
    cloudTraceEndpoint: hostPort(env, 'CLOUD_TRACE_ENDPOINT'),
    telemetryApiEndpoint:
      nonEmpty(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? nonEmpty(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? TELEMETRY_API_ENDPOINT,
    spanQueueSize: positiveInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1_000_000),
    spanExportBatchSize: positiveInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1_000_000),
    traceIncomingContext: oneOf(env, 'TRACE_INCOMING_CONTEXT', INCOMING_CONTEXT_MODES, 'continue'),
    recordClientAddress: booleanFlag(env, 'TRACE_CLIENT_ADDRESS'),
  });
}

function exporterName(env: Env, onGcp: boolean): TracesExporterName {
  const raw = nonEmpty(env, 'OTEL_TRACES_EXPORTER')?.toLowerCase();
  // Unset: on the platform, OTLP to Google's Telemetry API (no collector there; Google's
  // recommendation since it deprecated the Cloud Trace exporter); elsewhere OTLP (the OTel default).
  if (raw === undefined) return onGcp ? 'gcp_otlp' : 'otlp';
  // The spec allows a comma-separated list; one exporter per function is what flush-before-return can bound.
  const first = raw.split(',')[0]!.trim();
  if (GCP_ALIASES.has(first)) return 'gcp';
  if ((EXPORTERS as readonly string[]).includes(first)) return first as TracesExporterName;
  throw new ConfigError('OTEL_TRACES_EXPORTER', `"${raw}" is not one of ${EXPORTERS.join(', ')}`);
}

function sampler(env: Env): TracingConfig['sampler'] {
  // Not the OpenTelemetry default (parentbased_always_on): behind Google's front end, whose
  // rate-limited flag marks few requests sampled, that would record few orders (createSampler.ts).
  // The SDK would read the same variables, but silently fall back on a typo.
  const name = oneOf(env, 'OTEL_TRACES_SAMPLER', SAMPLERS, 'sampled_parent_or_traceidratio');
  const rawRatio = nonEmpty(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (rawRatio === undefined || !name.endsWith('traceidratio')) return { name, ratio: 1 };
  const ratio = Number(rawRatio);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new ConfigError('OTEL_TRACES_SAMPLER_ARG', `"${rawRatio}" is not a ratio between 0 and 1`);
  }
  return { name, ratio };
}

function attributeValueLengthLimit(env: Env): number {
  // The span-specific variable wins over the general one, as in the SDK.
  const name = nonEmpty(env, 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ? 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT' : 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT';
  return positiveInt(env, name, DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT, 1024 * 1024);
}

function hostPort(env: Env, name: string): string | undefined {
  const value = nonEmpty(env, name);
  if (value !== undefined && !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value)) {
    throw new ConfigError(name, `"${value}" is not host:port (for example cloudtrace.googleapis.com:443)`);
  }
  return value;
}

function otlpProtocol(env: Env): OtlpProtocol {
  // The signal-specific variable wins over the general one, as in the SDK.
  const name = nonEmpty(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const raw = nonEmpty(env, name)?.toLowerCase();
  if (raw === undefined) return 'http/protobuf';
  if ((OTLP_PROTOCOLS as readonly string[]).includes(raw)) return raw as OtlpProtocol;
  throw new ConfigError(name, `"${raw}" is not one of ${OTLP_PROTOCOLS.join(', ')}`);
}

function targetFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--target=')) return arg.slice('--target='.length) || undefined;
    if (arg === '--target') return argv[i + 1];
  }
  return undefined;
}

/** Configuration, read once from the environment into a typed, readonly object. */

export type TracesExporterName = 'console' | 'otlp' | 'gcp' | 'none';

/** What createOrder does with an incoming traceparent: make it the parent, or only link to it. */
export type IncomingTraceContextMode = 'continue' | 'link';

export interface Config {
  readonly projectId: string;
  readonly ordersTopic: string;
  readonly ordersCollection: string;
  /** service.name on every span: OTEL_SERVICE_NAME, else the deployed service, else the target. */
  readonly serviceName: string;
  readonly tracesExporter: TracesExporterName;
  /** OTLP transport: gRPC (4317) or HTTP (4318; JSON, which every collector accepts). */
  readonly otlpProtocol: 'grpc' | 'http';
  /** OTEL_SDK_DISABLED=true: no provider, no instrumentation, no flush (the untraced baseline). */
  readonly sdkDisabled: boolean;
  /** Upper bound on the flush an invocation waits for before it answers. */
  readonly flushTimeoutMs: number;
  /** Running on Google Cloud (Cloud Run functions set K_SERVICE and K_REVISION). */
  readonly onGcp: boolean;
  readonly maxBodyBytes: number;
  /**
   * Firestore's own built-in spans (DocumentReference.*, Batch.Commit), switched by the
   * library's FIRESTORE_ENABLE_TRACING. Off by default: our CLIENT span per store call
   * (with db.* attributes) and the gRPC spans under it already show every round trip,
   * and the library's spans nearly double the spans per order.
   */
  readonly firestoreLibrarySpans: boolean;
  /**
   * TRACE_INCOMING_CONTEXT: `continue` (default; the caller's span is the parent, as on a
   * private, authenticated endpoint) or `link` (public endpoint: the caller's context is
   * untrusted, so a new root trace links to it).
   */
  readonly traceIncomingContext: IncomingTraceContextMode;
  /**
   * IDEMPOTENCY_IN_FLIGHT_MS: how long after its creation an unpublished order may still
   * be in the hands of the request that created it; a retry with its key waits for that
   * request until then, and completes the order itself afterwards.
   */
  readonly idempotencyInFlightMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

const EXPORTERS: readonly TracesExporterName[] = ['console', 'otlp', 'gcp', 'none'];
// Accepted spellings of the Cloud Trace exporter, as other Google samples name it.
const GCP_ALIASES = new Set(['gcp', 'google_cloud_trace', 'cloud_trace', 'gcp_trace']);

/** Reads the configuration from `env` (and `argv` for functions-framework's --target). */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  argv: readonly string[] = process.argv,
): Config {
  const onGcp = Boolean(env.K_SERVICE && env.K_REVISION);
  return Object.freeze({
    projectId: nonEmpty(env, 'GOOGLE_CLOUD_PROJECT') ?? nonEmpty(env, 'GCLOUD_PROJECT') ?? 'demo-orders',
    ordersTopic: resourceName(env, 'ORDERS_TOPIC', 'orders'),
    ordersCollection: resourceName(env, 'ORDERS_COLLECTION', 'orders'),
    serviceName:
      nonEmpty(env, 'OTEL_SERVICE_NAME') ??
      nonEmpty(env, 'K_SERVICE') ??
      nonEmpty(env, 'FUNCTION_TARGET') ??
      targetFromArgv(argv) ??
      'orders',
    tracesExporter: exporterName(env, onGcp),
    otlpProtocol: otlpProtocol(env),
    sdkDisabled: booleanFlag(env, 'OTEL_SDK_DISABLED'),
    flushTimeoutMs: positiveInt(env, 'FLUSH_TIMEOUT_MS', 3000, 60_000),
    onGcp,
    maxBodyBytes: positiveInt(env, 'MAX_BODY_BYTES', 64 * 1024, 32 * 1024 * 1024),
    firestoreLibrarySpans: ['on', 'true'].includes(nonEmpty(env, 'FIRESTORE_ENABLE_TRACING')?.toLowerCase() ?? ''),
    traceIncomingContext: incomingContextMode(env),
    // The create and the publish each get up to 10 s (dependencies.ts) before the request
    // gives up and flags the order; 30 s leaves room for both.
    idempotencyInFlightMs: positiveInt(env, 'IDEMPOTENCY_IN_FLIGHT_MS', 30_000, 3_600_000),
  });
}

function nonEmpty(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function resourceName(env: Readonly<Record<string, string | undefined>>, name: string, fallback: string): string {
  const value = nonEmpty(env, name) ?? fallback;
  // Pub/Sub and Firestore both reject names with slashes; fail at start-up, not per request.
  if (!/^[A-Za-z][\w.~+%-]{0,254}$/.test(value)) {
    throw new ConfigError(name, `"${value}" is not a valid name (letters first, then letters, digits, - _ . ~ + %)`);
  }
  return value;
}

function exporterName(env: Readonly<Record<string, string | undefined>>, onGcp: boolean): TracesExporterName {
  const raw = nonEmpty(env, 'OTEL_TRACES_EXPORTER')?.toLowerCase();
  // Unset: Cloud Trace on the platform (no collector there), OTLP elsewhere (the OTel default).
  if (raw === undefined) return onGcp ? 'gcp' : 'otlp';
  // The spec allows a comma-separated list; one exporter per function is what flush-before-return can bound.
  const first = raw.split(',')[0]!.trim();
  if (GCP_ALIASES.has(first)) return 'gcp';
  if ((EXPORTERS as readonly string[]).includes(first)) return first as TracesExporterName;
  throw new ConfigError('OTEL_TRACES_EXPORTER', `"${raw}" is not one of console, otlp, gcp, none`);
}

function otlpProtocol(env: Readonly<Record<string, string | undefined>>): 'grpc' | 'http' {
  const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const raw = nonEmpty(env, name)?.toLowerCase() ?? 'grpc';
  if (raw === 'grpc') return 'grpc';
  // http/protobuf is sent as http/json: the protobuf HTTP exporter is not a dependency,
  // and collectors accept both on the same /v1/traces endpoint.
  if (raw === 'http/json' || raw === 'http/protobuf') return 'http';
  throw new ConfigError(name, `"${raw}" is not one of grpc, http/json, http/protobuf`);
}

function incomingContextMode(env: Readonly<Record<string, string | undefined>>): IncomingTraceContextMode {
  const raw = nonEmpty(env, 'TRACE_INCOMING_CONTEXT')?.toLowerCase() ?? 'continue';
  if (raw === 'continue' || raw === 'link') return raw;
  throw new ConfigError('TRACE_INCOMING_CONTEXT', `"${raw}" is not one of continue, link`);
}

function booleanFlag(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  const raw = nonEmpty(env, name)?.toLowerCase();
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(name, `"${raw}" is not true or false`);
}

function positiveInt(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
  max: number,
): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new ConfigError(name, `"${raw}" is not a whole number between 1 and ${max}`);
  }
  return value;
}

function targetFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--target=')) return arg.slice('--target='.length) || undefined;
    if (arg === '--target') return argv[i + 1];
  }
  return undefined;
}

/**
 * Which production exporter the deployed functions use (OTEL_TRACES_EXPORTER):
 * `gcp_otlp`, OTLP to the Telemetry API (the default), or `gcp`, Google's Cloud Trace
 * exporter (deprecated upstream since August 2026, kept for projects that rely on it).
 */
export type ProductionExporter = 'gcp' | 'gcp_otlp';

export interface DeploySettings {
  readonly project: string;
  readonly region: string;
  readonly ordersTopic: string;
  readonly exporter: ProductionExporter;
  /**
   * OTEL_TRACES_SAMPLER_ARG of the library's default sampler: the share of traces recorded
   * whatever Google's front end's rate-limited sampled flag says; a sampled caller is always followed.
   */
  readonly sampleRatio: number;
  readonly flushTimeoutMs: number;
  /**
   * Instance-based billing (Cloud Run's CPU always allocated): spans are exported after
   * the response (FLUSH_MODE=background) instead of before it. Default: request-based.
   */
  readonly instanceBasedBilling?: boolean;
}

export interface FunctionDeployment {
  /** The Cloud Run function's name. */
  readonly name: string;
  /** The export in dist/functions/index.js. */
  readonly entryPoint: 'createOrder' | 'processOrder' | 'sweepOrders';
  /** Environment variables the function is deployed with; the rehearsal starts it with the same. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The three functions as they are deployed (the sweeper reads its settings' defaults and
 * the dead-letter subscription's name from the same environment; see docs/recovery.md). One source of truth for `npm run deploy`
 * (which turns these into gcloud flags) and `npm run deploy:rehearse` (which starts
 * the uploaded bundle with exactly this environment).
 */
export function functionDeployments(settings: DeploySettings): readonly FunctionDeployment[] {
  const env = {
    // Cloud Run functions do not set the project for Node 22; the clients and the
    // Cloud Trace exporter need it.
    GOOGLE_CLOUD_PROJECT: settings.project,
    ORDERS_TOPIC: settings.ordersTopic,
    OTEL_TRACES_EXPORTER: settings.exporter,
    // No OTEL_TRACES_SAMPLER: the library's default (a sampled parent is followed, anything
    // else decided by this ratio) records every order, while a parent-based sampler would
    // follow the front end's flag, which marks at most 0.1 requests/s per instance sampled.
    OTEL_TRACES_SAMPLER_ARG: String(settings.sampleRatio),
    FLUSH_TIMEOUT_MS: String(settings.flushTimeoutMs),
  };
  // Only with CPU outside requests may the export leave the request path (docs/performance.md).
  // The sweeper stays request-billed: it runs once a minute, and CPU always allocated
  // would bill its instance around the clock.
  const orderEnv = settings.instanceBasedBilling ? { ...env, FLUSH_MODE: 'background' } : env;
  return [
    { name: 'create-order', entryPoint: 'createOrder', env: orderEnv },
    { name: 'process-order', entryPoint: 'processOrder', env: orderEnv },
    { name: 'sweep-orders', entryPoint: 'sweepOrders', env },
  ];
}

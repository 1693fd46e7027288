/** Which production exporter the deployed functions use (see shared/config.ts). */
export type ProductionExporter = 'gcp' | 'gcp_otlp';

export interface DeploySettings {
  readonly project: string;
  readonly region: string;
  readonly ordersTopic: string;
  readonly exporter: ProductionExporter;
  /** parentbased_traceidratio's ratio for new root traces; a sampled caller is always followed. */
  readonly sampleRatio: number;
  readonly flushTimeoutMs: number;
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
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(settings.sampleRatio),
    FLUSH_TIMEOUT_MS: String(settings.flushTimeoutMs),
  };
  return [
    { name: 'create-order', entryPoint: 'createOrder', env },
    { name: 'process-order', entryPoint: 'processOrder', env },
    { name: 'sweep-orders', entryPoint: 'sweepOrders', env },
  ];
}

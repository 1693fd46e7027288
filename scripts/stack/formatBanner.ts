import type { StackExporter } from './parseStackOptions';

export interface StackUrls {
  /** `http://127.0.0.1:8080/` */
  readonly createOrder: string;
  readonly processOrder: string;
  /** `host:port`, as PUBSUB_EMULATOR_HOST takes it. */
  readonly pubsub: string;
  /** `host:port`, as FIRESTORE_EMULATOR_HOST takes it. */
  readonly firestore: string;
  /** `http://127.0.0.1:4317`: the gRPC receiver (the load generator exports its client spans there). */
  readonly otlpGrpc: string;
  /** `http://127.0.0.1:4318`, as OTEL_EXPORTER_OTLP_ENDPOINT takes it: the functions export OTLP/HTTP protobuf there. */
  readonly otlpHttp: string;
  /** Jaeger-compatible query API root, e.g. `http://127.0.0.1:16686` (`/api/traces/{id}`). */
  readonly query: string;
  /** The trace viewer page. */
  readonly viewer: string;
}

export interface EmulatorBackend {
  readonly backend: 'google' | 'bundled';
  /** Why this backend: "--emulators google", "gcloud is not on PATH", … */
  readonly why: string;
}

export interface BannerFacts {
  readonly urls: StackUrls;
  readonly exporter: StackExporter;
  readonly readyMs: number;
  readonly reused: { readonly pubsub: boolean; readonly firestore: boolean };
  readonly emulators: EmulatorBackend;
  /** What the functions run on (describePlatform), e.g. "none: functions-framework at full CPU …". */
  readonly platform?: string;
  /** Files holding every log line, when the window shows a summary. */
  readonly logFiles?: readonly string[];
}

export const SAMPLE_ORDER = '{"customerId":"c-1","items":[{"sku":"sku-1","quantity":2,"unitPrice":9.5}],"currency":"EUR"}';

/** The one screen a developer reads after `npm start`. Pure, so it is tested as text. */
export function formatBanner(f: BannerFacts): string {
  const viewer = localhost(f.urls.viewer);
  const query = localhost(f.urls.query);
  const traceLine =
    f.exporter === 'otlp'
      ? [`  then see its trace:   ${viewer}  or  curl ${query}/api/traces/<traceId>`]
      : [`  spans are ${f.exporter === 'console' ? 'printed as JSON by each function below' : 'not exported (--exporter none)'}`];
  return [
    `Local stack ready in ${(f.readyMs / 1000).toFixed(1)} s`,
    `  createOrder    ${f.urls.createOrder}`,
    `  processOrder   ${f.urls.processOrder}  (pushed by the Pub/Sub emulator)`,
    `  Pub/Sub        ${f.urls.pubsub}${f.reused.pubsub ? '  (reused from PUBSUB_EMULATOR_HOST)' : ''}`,
    `  Firestore      ${f.urls.firestore}${f.reused.firestore ? '  (reused from FIRESTORE_EMULATOR_HOST)' : ''}`,
    `  emulators      ${f.emulators.backend === 'google' ? "Google's (gcloud)" : 'bundled (in-process)'}: ${f.emulators.why}`,
    ...(f.platform ? [`  platform       ${f.platform}`] : []),
    `  OTLP           ${f.urls.otlpGrpc} (gRPC)  ${f.urls.otlpHttp} (HTTP)`,
    ...(f.exporter === 'otlp' ? [`  traces         ${viewer}`] : []),
    ...(f.logFiles?.length ? [`  logs           ${f.logFiles.join('  ')}`, '                 (below: a summary every 10 s, warnings and errors in full; --raw-logs for every line)'] : []),
    '',
    '  post an order:',
    `    curl -s -X POST ${localhost(f.urls.createOrder)} -H 'content-type: application/json' -d '${SAMPLE_ORDER}'`,
    ...traceLine,
    '  Ctrl-C stops everything.',
  ].join('\n');
}

function localhost(url: string): string {
  return url.replace('//127.0.0.1:', '//localhost:');
}

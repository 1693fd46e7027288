import { parseFlags } from '../cli/parseFlags';
import { wholeNumber } from '../cli/wholeNumber';
import { CLOUD_TRACE_API } from './cloudTraceClient';

export interface LoadOptions {
  /** createOrder's URL. */
  readonly target: string;
  /** True for an explicit https:// target (a deployed function): needs an identity token. */
  readonly remote: boolean;
  /** Upper bound on orders sent. */
  readonly orders: number;
  /** Requests in flight at once (closed model), or the cap on in-flight requests with --rate. */
  readonly concurrency: number;
  /** Fixed arrival rate in orders/s (open model); undefined = as fast as `concurrency` allows. */
  readonly rate: number | undefined;
  /** Upper bound on the sending phase, in ms: --duration, else 10 minutes. */
  readonly maxDurationMs: number;
  /** Per-request timeout in ms. */
  readonly requestTimeoutMs: number;
  /** OTLP/gRPC endpoint the load generator's client spans go to. */
  readonly otlp: string;
  /** Base URL of anything that speaks Jaeger's query API (unused when cloudTraceApi is set). */
  readonly traces: string;
  /**
   * Base URL of the Cloud Trace API (v1) to read each order's trace from, with Application
   * Default Credentials; undefined = the Jaeger query API at `traces`. Set by
   * --cloud-trace-api, or to Google's for an https:// target without --traces.
   */
  readonly cloudTraceApi: string | undefined;
  /**
   * `host:port` of the Firestore emulator. Undefined: with cloudTraceApi, the project's own
   * Firestore (Application Default Credentials); otherwise infer `processed` from the traces.
   */
  readonly firestore: string | undefined;
  readonly projectId: string;
  /** How long to poll for the asynchronous half (traces complete, orders processed), in ms. */
  readonly waitMs: number;
  readonly json: string | undefined;
  readonly html: string;
  /** Accepted fraction of failed requests, 0..1. */
  readonly maxErrorRate: number;
  readonly idToken: string | undefined;
  /**
   * False with --no-trace-headers: no client span and no traceparent, as a caller that
   * does not trace (the platform's front end, or createOrder, starts the trace).
   */
  readonly traceHeaders: boolean;
  readonly help: boolean;
}

export class LoadOptionsError extends Error {
  override readonly name = 'LoadOptionsError';
}

export const LOAD_HELP = `Usage: npm run load -- [options]

Sends orders to createOrder, each under a client span of its own trace (exported by
OTLP), then checks that every accepted order's trace is complete and that every
order reached status "processed". Writes a summary, optional JSON and an HTML report.
Traces come from the local stack's Jaeger query API, or for deployed functions from
Cloud Trace (an https:// target, or --cloud-trace-api), read with Application Default
Credentials (\`gcloud auth application-default login\`, or GOOGLE_APPLICATION_CREDENTIALS).

Options:
  --target URL          createOrder URL (default http://127.0.0.1:8080/). Only
                        loopback http:// targets, or an explicit https:// one (a
                        deployed function: traces from Cloud Trace unless --traces)
  --orders N            orders to send (default 200; with --duration: no count cap
                        beyond 1000000)
  --concurrency N       requests in flight (default 10; with --rate: the in-flight cap)
  --rate R              fixed arrival rate, orders per second (default: closed loop)
  --duration S          stop sending after S seconds (default: at most 600)
  --timeout MS          per-request timeout (default 10000)
  --otlp URL            OTLP/gRPC endpoint for the client spans (default
                        $OTEL_EXPORTER_OTLP_ENDPOINT or http://127.0.0.1:4317; with
                        Cloud Trace only when given: otherwise no client spans, as
                        with --no-trace-headers)
  --traces URL          Jaeger query API base URL (default http://127.0.0.1:16686)
  --cloud-trace-api URL read traces from this Cloud Trace API (v1) instead of
                        --traces (default for an https:// target:
                        https://cloudtrace.googleapis.com); needs --project
  --firestore HOST:PORT Firestore emulator to check "processed" (default
                        $FIRESTORE_EMULATOR_HOST or 127.0.0.1:8086 for local targets;
                        with Cloud Trace: the project's Firestore; an https:// target
                        with --traces: read processOrder's orders.result span tag)
  --project ID          project id (default $GOOGLE_CLOUD_PROJECT or demo-orders;
                        with Cloud Trace one of them is required)
  --wait S              poll this long for traces and processing (default 30; with
                        Cloud Trace 120, look-ups paced to 4/s by its read quota)
  --max-error-rate F    tolerated failed-request fraction 0..1 (default 0)
  --json FILE           also write the summary as JSON
  --html FILE           HTML report (default reports/load-<timestamp>.html)
  --id-token TOKEN      identity token for an https:// target (default: $ID_TOKEN,
                        else \`gcloud auth print-identity-token\`)
  --no-trace-headers    send no client span and no traceparent (a caller that does not
                        trace); each trace then starts at createOrder's SERVER span
  -h, --help            this text

Exit codes: 0 all requests accepted within --max-error-rate and every trace complete
and processed; 1 traces incomplete, orders unprocessed or too many errors; 2 bad usage
(or, with Cloud Trace, no Application Default Credentials).`;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads the load test's options: flag, then environment, then default. Throws
 * LoadOptionsError naming the flag; only the CLI turns it into exit 2. `now` names
 * the default HTML report.
 */
export function parseLoadOptions(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
  now: Date = new Date(),
): LoadOptions {
  const values = parseFlags(
    argv,
    {
      target: { type: 'string' },
      orders: { type: 'string' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      timeout: { type: 'string' },
      otlp: { type: 'string' },
      traces: { type: 'string' },
      'cloud-trace-api': { type: 'string' },
      firestore: { type: 'string' },
      project: { type: 'string' },
      wait: { type: 'string' },
      'max-error-rate': { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      'id-token': { type: 'string' },
      'no-trace-headers': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new LoadOptionsError(message),
  );
  const str = (name: string): string | undefined => {
    const raw = values[name];
    if (typeof raw !== 'string') return undefined;
    if (raw.trim() === '') throw new LoadOptionsError(`--${name} must not be empty`);
    return raw.trim();
  };

  const target = parseTarget(str('target') ?? 'http://127.0.0.1:8080/');
  const remote = target.startsWith('https://');
  const durationS = optionalNumber('--duration', str('duration'), { min: 0.001, max: 86_400 });
  const ordersRaw = str('orders');
  const orders = ordersRaw !== undefined ? int('--orders', ordersRaw, 1, 10_000_000) : durationS !== undefined ? 1_000_000 : 200;
  // Deployed functions export to Cloud Trace, not to a Jaeger: an https:// target reads
  // traces there unless --traces names a Jaeger that receives them.
  const cloudTraceFlag = str('cloud-trace-api');
  if (cloudTraceFlag !== undefined && str('traces') !== undefined) throw new LoadOptionsError('--cloud-trace-api and --traces both name where traces are read: give one');
  const cloudTraceApi =
    cloudTraceFlag !== undefined ? httpUrl('--cloud-trace-api', cloudTraceFlag).replace(/\/+$/, '') : remote && str('traces') === undefined ? CLOUD_TRACE_API : undefined;
  const projectId = str('project') ?? (env.GOOGLE_CLOUD_PROJECT?.trim() || undefined);
  if (cloudTraceApi !== undefined && projectId === undefined && values.help !== true) {
    throw new LoadOptionsError(`reading traces from Cloud Trace (${cloudTraceApi}) needs the project they are in: pass --project ID or set GOOGLE_CLOUD_PROJECT`);
  }
  const otlpGiven = str('otlp') ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined);
  const firestore = str('firestore') ?? (env.FIRESTORE_EMULATOR_HOST?.trim() || undefined) ?? (remote || cloudTraceApi !== undefined ? undefined : '127.0.0.1:8086');
  if (firestore !== undefined && !/^[^\s/:]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(firestore)) {
    throw new LoadOptionsError(`--firestore must be host:port (e.g. 127.0.0.1:8086), got "${firestore}"`);
  }

  return {
    target,
    remote,
    orders,
    concurrency: int('--concurrency', str('concurrency') ?? '10', 1, 10_000),
    rate: optionalNumber('--rate', str('rate'), { min: 0.001, max: 100_000 }),
    maxDurationMs: Math.round((durationS ?? 600) * 1000),
    requestTimeoutMs: int('--timeout', str('timeout') ?? '10000', 1, 600_000),
    otlp: httpUrl('--otlp', otlpGiven ?? 'http://127.0.0.1:4317'),
    traces: httpUrl('--traces', str('traces') ?? 'http://127.0.0.1:16686').replace(/\/+$/, ''),
    cloudTraceApi,
    firestore,
    projectId: projectId ?? 'demo-orders',
    // Cloud Trace shows spans seconds after export, and its read quota paces the look-ups.
    waitMs: Math.round((optionalNumber('--wait', str('wait'), { min: 0, max: 3600 }) ?? (cloudTraceApi === undefined ? 30 : 120)) * 1000),
    json: str('json'),
    html: str('html') ?? `reports/load-${timestamp(now)}.html`,
    maxErrorRate: optionalNumber('--max-error-rate', str('max-error-rate'), { min: 0, max: 1 }) ?? 0,
    idToken: str('id-token') ?? (env.ID_TOKEN?.trim() || undefined),
    // With Cloud Trace the client span must land there too: only an OTLP endpoint the user
    // names (a Collector that forwards to Google Cloud) can take it, so none is assumed.
    traceHeaders: values['no-trace-headers'] !== true && (cloudTraceApi === undefined || otlpGiven !== undefined),
    help: values.help === true,
  };
}

/** `2024-05-01T10-20-30` (file-name safe, sortable). */
export function timestamp(now: Date): string {
  return now.toISOString().slice(0, 19).replace(/:/g, '-');
}

function parseTarget(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LoadOptionsError(`--target must be a URL, got "${raw}"`);
  }
  if (url.protocol === 'https:') return url.href;
  if (url.protocol !== 'http:') throw new LoadOptionsError(`--target must be http:// or https://, got "${raw}"`);
  // Plain http only on this machine: a load test must not hit a host by accident.
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    throw new LoadOptionsError(`--target over http must be loopback (127.0.0.1, localhost, [::1]); use https:// for a deployed function, got "${raw}"`);
  }
  return url.href;
}

function httpUrl(name: string, raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
  } catch {
    // fall through to the error below
  }
  throw new LoadOptionsError(`${name} must be an http(s) URL, got "${raw}"`);
}

function int(name: string, raw: string, min: number, max: number): number {
  return wholeNumber(name, raw, min, max, (message) => new LoadOptionsError(message));
}

function optionalNumber(name: string, raw: string | undefined, range: { min: number; max: number }): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d*\.?\d+(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < range.min || n > range.max) {
    throw new LoadOptionsError(`${name} must be a number between ${range.min} and ${range.max}, got "${raw}"`);
  }
  return n;
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Collector, CollectorOptions } from '../../scripts/collector/startCollector';
import { listen } from '../../scripts/collector/listen';
import { startGrpcReceiver } from '../../scripts/collector/startGrpcReceiver';
import { startHttpReceiver } from '../../scripts/collector/startHttpReceiver';
import type { StoredSpan } from '../../scripts/collector/storedSpan';
import type { CloudTraceSpan, CloudTraceTrace } from '../../scripts/load/cloudTraceToJaeger';

/**
 * A local stand-in for the Google APIs a deployed pipeline's traces pass through, which
 * cannot be reached from here:
 *   - the Telemetry API's OTLP receivers (gRPC and HTTP, as telemetry.googleapis.com takes
 *     them), where the functions and the load generator export;
 *   - the Cloud Trace API v1 `GET /v1/projects/{project}/traces/{traceId}`, answering in its
 *     documented shape (decimal span ids, RPC_SERVER / RPC_CLIENT / SPAN_KIND_UNSPECIFIED,
 *     RFC 3339 times, string labels holding span and resource attributes), 404 while not
 *     found, 401 without the token it issued;
 *   - Google's STS token exchange (`POST /v1/token`), which an `external_account` credentials
 *     file names as its `token_url`, so google-auth-library's Application Default
 *     Credentials run for real.
 * It has the Collector's shape, so the local stack can start it in place of its collector.
 */
export interface FakeCloudTrace extends Collector {
  /** Base URL of the Cloud Trace API (and of the token endpoint). */
  readonly apiUrl: string;
  /** The subject token the STS endpoint accepts (the credentials file's source). */
  readonly subjectToken: string;
  /** Spans for which this returns true are left out of every answer (a span lost on the way). */
  omit: (span: CloudTraceSpan) => boolean;
  /** Requests counted by what the fake answered. */
  readonly counts: { tokens: number; traceReads: number; unauthorized: number };
}

export interface FakeCloudTraceOptions extends CollectorOptions {
  readonly projectId: string;
  /** Spans become readable this long after they arrive, as Cloud Trace's ingestion takes a while. */
  readonly ingestDelayMs?: number;
}

const ACCESS_TOKEN = 'fake-cloud-trace-access-token';
const SUBJECT_TOKEN = 'fake-workload-identity-subject-token';

export async function startFakeCloudTrace(options: FakeCloudTraceOptions): Promise<FakeCloudTrace> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const ingestDelayMs = options.ingestDelayMs ?? 0;
  const traces = new Map<string, Map<string, { span: StoredSpan; visibleAt: number }>>();
  const sink = (spans: readonly StoredSpan[]): void => {
    const now = Date.now();
    for (const span of spans) {
      const trace = traces.get(span.traceId) ?? new Map();
      traces.set(span.traceId, trace);
      if (!trace.has(span.spanId)) trace.set(span.spanId, { span, visibleAt: now + ingestDelayMs });
    }
  };
  const counts = { tokens: 0, traceReads: 0, unauthorized: 0 };
  const fake = {
    omit: (() => false) as (span: CloudTraceSpan) => boolean,
  };

  const api = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`fake Cloud Trace: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && url.pathname === '/v1/token') {
      const form = new URLSearchParams(await readBody(req));
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange' || form.get('subject_token') !== SUBJECT_TOKEN) {
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'unknown subject token' });
      }
      counts.tokens++;
      return sendJson(res, 200, { access_token: ACCESS_TOKEN, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 });
    }
    const match = /^\/v1\/projects\/([^/]+)\/traces\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return googleError(res, 404, 'NOT_FOUND', `no such method: ${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      counts.unauthorized++;
      return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    }
    counts.traceReads++;
    const [, project, traceId] = match;
    const now = Date.now();
    const stored = project === options.projectId ? [...(traces.get(traceId!.toLowerCase())?.values() ?? [])].filter((s) => s.visibleAt <= now) : [];
    const spans = stored.map((s) => toCloudTraceSpan(s.span)).filter((span) => !fake.omit(span));
    if (spans.length === 0) return googleError(res, 404, 'NOT_FOUND', 'Trace not found');
    const body: CloudTraceTrace = { projectId: options.projectId, traceId: traceId!.toLowerCase(), spans };
    return sendJson(res, 200, body);
  }

  const closers: (() => Promise<void>)[] = [];
  try {
    const grpc = await startGrpcReceiver(host, options.grpcPort ?? 0, sink);
    closers.push(() => grpc.close());
    const http = await startHttpReceiver(host, options.httpPort ?? 0, sink, log);
    closers.push(() => http.close());
    const query = await listen(api, host, options.queryPort ?? 0);
    closers.push(() => query.close());
    let closing: Promise<void> | undefined;
    return Object.assign(fake, {
      host,
      grpcPort: grpc.port,
      httpPort: http.port,
      queryPort: query.port,
      apiUrl: `http://${host}:${query.port}`,
      subjectToken: SUBJECT_TOKEN,
      counts,
      close: () => (closing ??= Promise.all(closers.map((close) => close())).then(() => undefined)),
    });
  } catch (err) {
    await Promise.all(closers.map((close) => close()));
    throw err;
  }
}

/** An `external_account` credentials file (workload identity federation, file-sourced token) for the fake's STS endpoint. */
export function fakeCredentialsFile(fake: FakeCloudTrace, subjectTokenFile: string): object {
  return {
    type: 'external_account',
    audience: '//iam.googleapis.com/projects/0/locations/global/workloadIdentityPools/load-test/providers/fake',
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: `${fake.apiUrl}/v1/token`,
    credential_source: { file: subjectTokenFile },
  };
}

// OTLP span kinds 2 and 3; v1 has no names for internal, producer or consumer.
const V1_KIND: Readonly<Record<number, CloudTraceSpan['kind']>> = { 2: 'RPC_SERVER', 3: 'RPC_CLIENT' };

/** What Cloud Trace v1 shows for a span that arrived over OTLP. */
function toCloudTraceSpan(span: StoredSpan): CloudTraceSpan {
  // The collector keeps service.name apart from the other resource attributes.
  const labels: Record<string, string> = { 'service.name': span.serviceName };
  for (const attr of span.resource) labels[attr.key] = String(attr.value);
  for (const attr of span.attributes) labels[attr.key] = String(attr.value);
  return {
    spanId: BigInt(`0x${span.spanId}`).toString(),
    kind: V1_KIND[span.kind] ?? 'SPAN_KIND_UNSPECIFIED',
    name: span.name,
    startTime: rfc3339(span.startTimeUnixNano),
    endTime: rfc3339(span.endTimeUnixNano),
    ...(span.parentSpanId ? { parentSpanId: BigInt(`0x${span.parentSpanId}`).toString() } : {}),
    labels,
  };
}

function rfc3339(unixNano: string): string {
  const nanos = BigInt(unixNano);
  const seconds = new Date(Number(nanos / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

function googleError(res: ServerResponse, code: number, status: string, message: string): void {
  sendJson(res, code, { error: { code, message, status } });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

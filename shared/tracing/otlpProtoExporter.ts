/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when this exporter is chosen */
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

const USER_AGENT = 'gcf-tracing (OTLP/HTTP protobuf)';
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const RETRYABLE_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);
// What a kept-alive socket the server already closed gives on reuse.
const STALE_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE']);
const RETRY_BACKOFF_MS = 100;

/**
 * OTLP/HTTP protobuf trace exporter: the OpenTelemetry packages' settings and serialiser,
 * with a transport of our own.
 *
 * Settings: `convertLegacyHttpOptions` of `@opentelemetry/otlp-exporter-base`, so the
 * standard variables mean what they mean for `@opentelemetry/exporter-trace-otlp-proto`
 * (OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _COMPRESSION, the TLS files).
 * Body: the trace serialiser of `@opentelemetry/otlp-transformer` (its public entry, which
 * also loads the metrics and logs serialisers: docs/performance.md has the cold-start cost).
 *
 * Why not that package's transport: inside a function, where functions-framework's domain
 * and the context manager's AsyncLocalStorage make every promise and stream tick dearer,
 * its export (a promise queue, a retrying transport, the body piped from a stream, chunked)
 * cost twice the CPU of one `request.end(body)` with Content-Length (docs/performance.md),
 * and this export is paid on every invocation's flush. What it did beyond that is done
 * elsewhere here (the deadline and the outage probing by GuardedSpanExporter and
 * CountingBatchSpanProcessor) or kept (retries of 429/502/503/504 and lost connections,
 * after Retry-After, within the deadline).
 */
export class OtlpProtoExporter implements SpanExporter {
  private readonly url: URL;
  private readonly request: typeof import('node:http').request;
  private readonly timeoutMs: number;
  private readonly compression: string;
  private readonly serializer: typeof import('@opentelemetry/otlp-transformer').ProtobufTraceSerializer;
  private readonly settings: Promise<{ readonly agent: Agent; readonly headers: Record<string, string> }>;
  private stopped = false;

  constructor(timeoutMillis: number) {
    const { convertLegacyHttpOptions } = require('@opentelemetry/otlp-exporter-base/node-http') as typeof import('@opentelemetry/otlp-exporter-base/node-http');
    const options = convertLegacyHttpOptions({ timeoutMillis }, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
    this.url = new URL(options.url);
    const transport = (this.url.protocol === 'https:' ? require('node:https') : require('node:http')) as typeof import('node:http');
    // Node's own `request`, taken now: startTracing builds the exporter before the HTTP
    // instrumentation patches `http`, so exports skip its wrapper, which parsed each
    // export's options, started a span (then suppressed: the exporter's traffic is never
    // traced), copied the headers and entered a context: about 0.1 ms of CPU per export,
    // which in the default flush mode is per invocation.
    this.request = transport.request;
    // For plain http the package's agent factory makes exactly this agent (it drops the TLS
    // files), but through `import('http')`: Node's ES-module view of `http` reads every export,
    // which loads its bundled undici for the WebSocket getters, about 30 ms of CPU at every
    // cold start here (docs/performance.md). https keeps the factory: it brings the TLS files.
    this.timeoutMs = options.timeoutMillis;
    this.compression = options.compression;
    this.serializer = (require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer')).ProtobufTraceSerializer;
    // Resolved once: the agent keeps the connection alive between exports.
    // The headers every export sends, built once; only Content-Length varies.
    const gzip = this.compression === 'gzip';
    this.settings = Promise.all([this.url.protocol === 'http:' ? new transport.Agent({ keepAlive: true }) : options.agentFactory(this.url.protocol), options.headers()]).then(([agent, headers]) => ({
      agent: agent as Agent,
      headers: { ...headers, 'User-Agent': USER_AGENT, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) },
    }));
    // Until the first export asks for them, a rejection is not "unhandled".
    this.settings.catch(() => undefined);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const body = this.serializer.serializeRequest(spans);
    if (!body) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('spans could not be serialised') });
      return;
    }
    this.settings.then(
      ({ agent, headers }) => this.send(agent, headers, body, resultCallback),
      (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return this.settings.then(
      ({ agent }) => agent.destroy(),
      () => undefined,
    );
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  private send(agent: Agent, headers: Record<string, string>, body: Uint8Array, done: (result: ExportResult) => void): void {
    const payload = this.compression === 'gzip' ? (require('node:zlib') as typeof import('node:zlib')).gzipSync(body) : body;
    const options: RequestOptions = {
      method: 'POST',
      agent,
      headers: { ...headers, 'Content-Length': payload.length },
    };
    const deadline = performance.now() + this.timeoutMs;
    const attempt = (): void => {
      this.post(options, payload, deadline - performance.now(), (outcome) => {
        if (outcome.ok) return done({ code: ExportResultCode.SUCCESS });
        // As the OTLP specification asks: 429, 502, 503, 504 and a lost connection are
        // retried, after Retry-After when given, while the deadline allows.
        // A kept-alive socket the collector closed while this process could not run (CPU
        // throttled or stopped between requests) fails at once on reuse: retry without waiting,
        // as Node's docs advise for a reset on a reused socket.
        const waitMs = outcome.staleSocket ? 0 : (outcome.retryAfterMs ?? RETRY_BACKOFF_MS);
        if (outcome.retryable && performance.now() + waitMs < deadline) {
          // Not unref'd: at SIGTERM the final flush may be all that keeps the process alive.
          setTimeout(attempt, waitMs);
          return;
        }
        done({ code: ExportResultCode.FAILED, error: outcome.error });
      });
    };
    attempt();
  }

  /** One POST; reports once. */
  private post(options: RequestOptions, payload: Uint8Array, timeoutMs: number, report: (outcome: PostOutcome) => void): void {
    let settled = false;
    const finish = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      report(outcome);
    };
    const request: ClientRequest = this.request(this.url, options, (response: IncomingMessage) => {
      // The body (an ExportTraceServiceResponse, maybe a partial success) is not read: the
      // collector has taken what it could either way, and a 2xx is all a flush needs.
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return finish({ ok: true });
        const retryAfter = Number(response.headers['retry-after']);
        finish({
          ok: false,
          retryable: RETRYABLE_STATUSES.has(status),
          retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
          error: new Error(`OTLP export answered HTTP ${status}`),
        });
      });
      response.on('error', (error) => finish({ ok: false, retryable: true, error }));
    });
    request.setTimeout(Math.max(1, timeoutMs), () => {
      request.destroy();
      finish({ ok: false, retryable: false, error: new Error(`OTLP export did not answer within ${this.timeoutMs} ms`) });
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, retryable: RETRYABLE_ERRORS.has(error.code ?? ''), staleSocket: request.reusedSocket && STALE_SOCKET_ERRORS.has(error.code ?? ''), error }),
    );
    request.end(payload);
  }
}

type PostOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryable: boolean; readonly retryAfterMs?: number | undefined; readonly staleSocket?: boolean; readonly error: Error };

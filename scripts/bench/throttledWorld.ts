/** A front end (in this process) before a real functions-framework process, a real collector beside it. */
import path from 'node:path';
import { request } from 'node:http';
import { startCollector } from '../collector/startCollector';
import type { Collector } from '../collector/startCollector';
import type { Billing } from '../frontEnd/parseFrontEndOptions';
import { startFrontEnd } from '../frontEnd/startFrontEnd';
import type { FrontEnd } from '../frontEnd/startFrontEnd';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const FUNCTIONS_FRAMEWORK = path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
export const THROTTLED_FUNCTIONS = path.join(__dirname, 'fixtures', 'throttledFunctions.js');

export interface ThrottledWorldOptions {
  readonly target: string;
  readonly billing?: Billing;
  readonly idleShutdownMs?: number;
  readonly timeoutMs?: number;
  readonly sampleRate?: number;
  readonly graceMs?: number;
  /** Environment of the function on top of the defaults (FLUSH_MODE, …). */
  readonly env?: Record<string, string>;
}

export interface ThrottledWorld {
  readonly frontEnd: FrontEnd;
  readonly collector: Collector;
  readonly logs: { severity: string; message: string; fields: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startThrottledWorld(o: ThrottledWorldOptions): Promise<ThrottledWorld> {
  const collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined });
  const logs: ThrottledWorld['logs'] = [];
  const frontEnd = await startFrontEnd(
    {
      host: '127.0.0.1',
      port: 0,
      billing: o.billing ?? 'request',
      idleShutdownMs: o.idleShutdownMs ?? 900_000,
      sampleRate: o.sampleRate ?? 0.1,
      timeoutMs: o.timeoutMs ?? 30_000,
      command: [process.execPath, FUNCTIONS_FRAMEWORK, `--target=${o.target}`, `--source=${THROTTLED_FUNCTIONS}`],
      help: false,
    },
    {
      env: {
        PATH: process.env.PATH,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.httpPort}`,
        OTEL_SERVICE_NAME: o.target,
        // Every request recorded whatever the front end's flag says: these tests count spans.
        OTEL_TRACES_SAMPLER: 'always_on',
        ...o.env,
      },
      log: (severity, message, fields = {}) => logs.push({ severity, message, fields }),
      graceMs: o.graceMs,
    },
  );
  return {
    frontEnd,
    collector,
    logs,
    close: async () => {
      await frontEnd.close();
      await collector.close();
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request; resolves with the whole answer. */
export function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Spans the collector holds for a trace (0 when it has none). */
export async function spansInTrace(collector: Collector, traceId: string): Promise<{ operationName: string; tags: { key: string; value: unknown }[] }[]> {
  const answer = await send(`http://127.0.0.1:${collector.queryPort}/api/traces/${traceId}`);
  if (answer.status === 404) return [];
  const parsed = JSON.parse(answer.body) as { data?: { spans: { operationName: string; tags: { key: string; value: unknown }[] }[] }[] };
  return parsed.data?.[0]?.spans ?? [];
}

/** A traceparent the caller sends, so the test knows the trace id. */
export function callerTraceparent(i: number, sampled = false): { traceId: string; header: string } {
  const traceId = (Date.now().toString(16) + i.toString(16).padStart(8, '0')).padStart(32, 'a').slice(-32);
  return { traceId, header: `00-${traceId}-${'b'.repeat(16)}-${sampled ? '01' : '00'}` };
}

/** Traces the collector holds for a service (at most 1000). */
export async function tracesOfService(collector: Collector, service: string): Promise<number> {
  const answer = await send(`http://127.0.0.1:${collector.queryPort}/api/traces?service=${encodeURIComponent(service)}&limit=1000`);
  return (JSON.parse(answer.body) as { data: unknown[] }).data.length;
}

import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PLATFORM_HEADER } from '../load/sendOrder';
import { findFreePort } from '../stack/assertPortsFree';
import { FunctionInstance } from './functionInstance';
import { InstanceManager, SHUTDOWN_GRACE_MS } from './instanceManager';
import type { FrontEndOptions } from './parseFrontEndOptions';
import { TokenBucket } from './tokenBucket';
import { forwardTrace, readCallerTrace } from './traceHeaders';

/** Cloud Run's limit on an HTTP/1 request (headers and body). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** Forced (`o=1`) requests Cloud Run samples at most, per second per instance. */
const FORCED_SAMPLE_RATE = 10;
// The response header saying which platform answered: the load test reads it.

// Hop-by-hop headers (RFC 9110 7.6.1) and the ones the front end writes itself.
const REQUEST_HEADERS_DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'traceparent', 'x-cloud-trace-context', 'content-length', 'expect']);
const RESPONSE_HEADERS_DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'trailer']);

export interface FrontEndDeps {
  /** Environment of the function's instances. */
  readonly env: NodeJS.ProcessEnv;
  readonly log: (severity: 'INFO' | 'WARNING', message: string, fields?: Record<string, unknown>) => void;
  readonly now?: () => number;
  /** Scale-in grace (Cloud Run: 10 s); tests shorten it. */
  readonly graceMs?: number;
}

export interface FrontEnd {
  readonly url: string;
  readonly port: number;
  readonly manager: InstanceManager;
  /** Stops listening, then shuts the instances down (SIGCONT, SIGTERM, grace, SIGKILL). */
  close(): Promise<void>;
}

/**
 * The front end: an HTTP server that forwards each request to the function's current
 * instance with Cloud Run's trace headers, under the instance manager's billing and
 * scale-in, bounded by the function's timeout and the request size limit.
 */
export async function startFrontEnd(options: FrontEndOptions, deps: FrontEndDeps): Promise<FrontEnd> {
  const now = deps.now ?? Date.now;
  const platform = `cloud-run; billing=${options.billing}`;
  const manager = new InstanceManager({
    billing: options.billing,
    idleShutdownMs: options.idleShutdownMs,
    graceMs: deps.graceMs,
    log: deps.log,
    start: async () => new FunctionInstance({ command: options.command, env: deps.env, host: options.host, port: await findFreePort(options.host), orphanGraceMs: SHUTDOWN_GRACE_MS }),
  });
  // Per instance on Cloud Run; here there is one instance at a time, so one bucket each
  // for it (a new instance starts with a full bucket, as its first request may be sampled).
  let buckets = { instance: undefined as FunctionInstance | undefined, next: new TokenBucket(options.sampleRate), forced: new TokenBucket(FORCED_SAMPLE_RATE) };
  const bucketsFor = (instance: FunctionInstance | undefined) => {
    if (instance !== buckets.instance) buckets = { instance, next: new TokenBucket(options.sampleRate), forced: new TokenBucket(FORCED_SAMPLE_RATE) };
    return buckets;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader(PLATFORM_HEADER, platform);
    let answered = false;
    const answer = (status: number, text: string): void => {
      if (answered) return;
      answered = true;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(`${text}\n`);
    };
    // The function's timeout bounds everything: reading the body, a cold start, the function.
    let onTimeout: () => void = () => undefined;
    const timer = setTimeout(() => {
      onTimeout();
      answer(504, `upstream request timeout: the function did not answer within ${options.timeoutMs / 1000} s`);
    }, options.timeoutMs);
    res.once('close', () => clearTimeout(timer));

    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BYTES) {
      req.resume();
      answer(413, `request too large: more than ${MAX_REQUEST_BYTES} bytes`);
      return;
    }
    const body = await readBody(req, MAX_REQUEST_BYTES);
    if (body === 'too large') {
      answer(413, `request too large: more than ${MAX_REQUEST_BYTES} bytes`);
      return;
    }
    if (body === 'aborted' || answered) return;

    for (let attempt = 1; ; attempt++) {
      let lease;
      const acquiring = manager.acquire();
      onTimeout = () => void acquiring.then((l) => l.release(), () => undefined);
      try {
        lease = await acquiring;
      } catch (err) {
        answer(503, `the function's instance could not start: ${(err as Error).message}`);
        return;
      }
      if (answered) return; // timed out while waiting; the handler above releases
      const decide = bucketsFor(lease.instance);
      const trace = forwardTrace(readCallerTrace(req.headers), { sampleNext: () => decide.next.take(now()), sampleForced: () => decide.forced.take(now()) }, (n) => randomBytes(n).toString('hex'));
      const outcome = await forward(req, res, body, lease.instance.port, options.host, trace.headers, (cancel) => {
        onTimeout = () => {
          cancel();
          lease.release();
        };
      });
      lease.release();
      if (outcome !== 'answered' && attempt === 1 && (outcome === 'refused' || lease.thawed) && (await exitsWithin(lease.instance, 200))) {
        // The instance died while it was stopped (or between requests) and its exit was
        // not seen yet: the request met a dead instance, so it goes to the next one.
        // A request that crashes a running instance is not replayed: 503 below.
        continue;
      }
      if (outcome === 'refused' || outcome === 'failed') answer(503, 'the function\'s instance failed while handling the request');
      else answered = true;
      return;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.log('WARNING', 'front end: request failed', { error: (err as Error).message });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // Headers and body must arrive within the function's timeout too.
  server.requestTimeout = options.timeoutMs;
  server.headersTimeout = Math.min(options.timeoutMs, 60_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${options.host}:${port}/`,
    port,
    manager,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await manager.close();
        await stopped;
      })()),
  };
}

async function exitsWithin(instance: FunctionInstance, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const exited = await Promise.race([instance.exited.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return exited;
}

/** The body, whole (the front end buffers it so a slow upload never holds an instance). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too large');
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('aborted', () => resolve('aborted'));
    req.once('error', () => resolve('aborted'));
  });
}

/** Sends the request to the instance and streams its answer back. */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  port: number,
  host: string,
  traceHeaders: Record<string, string>,
  onCancel: (cancel: () => void) => void,
): Promise<'answered' | 'refused' | 'failed'> {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!REQUEST_HEADERS_DROPPED.has(name) && value !== undefined) headers[name] = value;
  }
  const forwardedFor = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = typeof headers['x-forwarded-for'] === 'string' ? `${headers['x-forwarded-for']}, ${forwardedFor}` : forwardedFor;
  headers['x-forwarded-proto'] = 'http';
  headers['content-length'] = body.length;
  Object.assign(headers, traceHeaders);
  return new Promise((resolve) => {
    // A new connection per request: a kept-alive one could be closed by the instance's
    // idle timer the moment SIGCONT lets it run, racing the next request on it.
    const upstream = request({ host, port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      const out: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!RESPONSE_HEADERS_DROPPED.has(name) && value !== undefined) out[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(res);
      answer.once('end', () => resolve('answered'));
      answer.once('error', () => resolve('failed'));
      answer.once('aborted', () => resolve('failed'));
    });
    let sent = false;
    upstream.once('error', (err: NodeJS.ErrnoException) => resolve(!sent && err.code === 'ECONNREFUSED' ? 'refused' : 'failed'));
    upstream.once('socket', (socket) => socket.once('connect', () => (sent = true)));
    onCancel(() => upstream.destroy());
    upstream.end(body);
  });
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type ListeningServer } from './listen';
import { parseTraceQuery } from './parseTraceQuery';
import { toJaegerTrace } from './toJaegerTrace';
import type { TraceStore } from './traceStore';
import { VIEWER_HTML } from './viewerPage';

/**
 * Jaeger's query HTTP API (the JSON the Jaeger UI and Grafana read) over the
 * store, plus the viewer page and /healthz. Every answer is wrapped as Jaeger
 * wraps it: {data, total, limit, offset, errors}.
 */
export function startQueryServer(host: string, port: number, store: TraceStore, log: (line: string) => void): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    try {
      route(req, res, store);
    } catch (error) {
      log(`collector: query request ${req.url ?? ''} failed: ${String(error)}`);
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    }
  });
  return listen(server, host, port);
}

function route(req: IncomingMessage, res: ServerResponse, store: TraceStore): void {
  const url = new URL(req.url ?? '/', 'http://collector');
  const path = url.pathname;
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors(), 'access-control-allow-methods': 'GET, OPTIONS', 'access-control-allow-headers': '*' }).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD, OPTIONS');
    sendError(res, 405, 'only GET is supported');
    return;
  }
  if (path === '/healthz') {
    send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
    return;
  }
  if (path === '/' || path.startsWith('/trace/')) {
    send(res, 200, 'text/html; charset=utf-8', VIEWER_HTML);
    return;
  }
  if (path === '/api/services') {
    const services = store.services();
    sendData(res, services, services.length);
    return;
  }
  const operationsMatch = /^\/api\/services\/([^/]+)\/operations$/.exec(path);
  if (operationsMatch) {
    const names = store.operations(safeDecode(operationsMatch[1] ?? '')).map((op) => op.name);
    sendData(res, names, names.length);
    return;
  }
  if (path === '/api/operations') {
    const service = url.searchParams.get('service');
    if (!service) {
      sendError(res, 400, "parameter 'service' is required");
      return;
    }
    const operations = store.operations(service, url.searchParams.get('spanKind') ?? undefined);
    sendData(res, operations, operations.length);
    return;
  }
  if (path === '/api/traces') {
    searchTraces(url.searchParams, res, store);
    return;
  }
  const traceMatch = /^\/api\/traces\/([^/]+)$/.exec(path);
  if (traceMatch) {
    const traceId = normalizeTraceId(safeDecode(traceMatch[1] ?? ''));
    if (!traceId) {
      sendError(res, 400, `malformed trace id "${traceMatch[1] ?? ''}"`);
      return;
    }
    const spans = store.get(traceId);
    if (!spans) {
      sendError(res, 404, 'trace not found');
      return;
    }
    sendData(res, [toJaegerTrace(spans)], 1);
    return;
  }
  sendError(res, 404, `no such endpoint: ${path}`);
}

function searchTraces(params: URLSearchParams, res: ServerResponse, store: TraceStore): void {
  const traceIds = params.getAll('traceID');
  if (traceIds.length > 0) {
    const normalized = traceIds.map(normalizeTraceId);
    if (normalized.some((id) => id === undefined)) {
      sendError(res, 400, 'malformed traceID parameter');
      return;
    }
    const traces = normalized.flatMap((id) => {
      const spans = store.get(id ?? '');
      return spans ? [toJaegerTrace(spans)] : [];
    });
    sendData(res, traces, traces.length);
    return;
  }
  const parsed = parseTraceQuery(params, Date.now() * 1000);
  if (!parsed.ok) {
    sendError(res, 400, parsed.error);
    return;
  }
  const found = store.search(parsed.query);
  sendData(res, found.traces.map(toJaegerTrace), found.total, parsed.query.limit, parsed.query.offset ?? 0);
}

/** A malformed %-escape stays as written, so it fails validation instead of throwing. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Jaeger accepts ids with their leading zeros trimmed. */
function normalizeTraceId(text: string): string | undefined {
  const id = text.toLowerCase();
  return /^[0-9a-f]{1,32}$/.test(id) ? id.padStart(32, '0') : undefined;
}

function cors(): Record<string, string> {
  return { 'access-control-allow-origin': '*' };
}

function sendData(res: ServerResponse, data: unknown, total: number, limit = 0, offset = 0): void {
  sendJson(res, 200, { data, total, limit, offset, errors: null });
}

function sendError(res: ServerResponse, code: number, msg: string): void {
  sendJson(res, code, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, { ...cors(), 'content-type': contentType, 'content-length': bytes.length, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

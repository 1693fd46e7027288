import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapSetter, trace } from '@opentelemetry/api';
import type { ClientTracing } from './startClientTracing';

/** Set by the local Cloud Run front end (scripts/frontEnd) on every answer: `cloud-run; billing=request`. */
export const PLATFORM_HEADER = 'x-local-platform';

export type ErrorKind = `http ${number}` | 'network' | 'timeout' | 'bad response';

export interface OrderResult {
  readonly index: number;
  /** Epoch ms when the request was sent. */
  readonly startedAt: number;
  readonly latencyMs: number;
  readonly status: number | undefined;
  /** undefined when the order was accepted (202 with an orderId). */
  readonly error: ErrorKind | undefined;
  readonly message: string | undefined;
  readonly orderId: string | undefined;
  /** The trace the client span started (or the server's, when untraced). */
  readonly traceId: string | undefined;
  readonly clientSpanId: string | undefined;
  /** The platform that answered, from the local front end's X-Local-Platform header (undefined: none). */
  readonly platform?: string | undefined;
}

export interface SendOrderOptions {
  readonly target: string;
  readonly timeoutMs: number;
  /** Undefined: no client span, no traceparent (the benchmarks' untraced client). */
  readonly tracing: ClientTracing | undefined;
  readonly idToken?: string | undefined;
}

/** A small valid order; customer ids vary so documents differ. */
export function orderBody(index: number): string {
  return JSON.stringify({
    customerId: `load-${index}`,
    items: [{ sku: `sku-${(index % 7) + 1}`, quantity: (index % 3) + 1, unitPrice: 9.5 }],
    currency: 'EUR',
  });
}

/**
 * POSTs one order under a CLIENT span of a new trace, carrying `traceparent`.
 * Never throws: every failure becomes an ErrorKind. Global fetch (undici) keeps
 * connections alive and pools them per origin.
 */
export async function sendOrder(index: number, options: SendOrderOptions): Promise<OrderResult> {
  const url = new URL(options.target);
  const span = options.tracing?.tracer.startSpan(
    'POST',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'url.full': url.href,
        'server.address': url.hostname,
        'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
        'load.order_index': index,
      },
    },
    ROOT_CONTEXT,
  );
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (span && options.tracing) options.tracing.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
  if (options.idToken) headers.authorization = `Bearer ${options.idToken}`;

  const startedAt = Date.now();
  const started = performance.now();
  let status: number | undefined;
  let error: ErrorKind | undefined;
  let message: string | undefined;
  let orderId: string | undefined;
  let serverTraceId: string | undefined;
  let platform: string | undefined;
  try {
    const res = await fetch(url, { method: 'POST', headers, body: orderBody(index), signal: AbortSignal.timeout(options.timeoutMs) });
    status = res.status;
    platform = res.headers.get(PLATFORM_HEADER) ?? undefined;
    const text = await res.text();
    if (status !== 202) {
      error = `http ${status}`;
      message = text.slice(0, 200);
    } else {
      const parsed = parseAccepted(text);
      if (parsed) ({ orderId, traceId: serverTraceId } = parsed);
      else {
        error = 'bad response';
        message = `202 without {orderId, traceId}: ${text.slice(0, 200)}`;
      }
    }
  } catch (err) {
    const name = (err as Error).name;
    error = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    message = cause ? `${(err as Error).message}: ${cause}` : (err as Error).message;
  }
  const latencyMs = performance.now() - started;
  if (span) {
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (orderId) span.setAttribute('orders.order_id', orderId);
    if (error) {
      span.setAttribute('error.type', error === 'network' || error === 'timeout' ? error : String(status ?? error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? error });
    }
    span.end();
  }
  const context = span?.spanContext();
  return {
    index,
    startedAt,
    latencyMs,
    status,
    error,
    message,
    orderId,
    traceId: context?.traceId ?? serverTraceId,
    clientSpanId: context?.spanId,
    platform,
  };
}

function parseAccepted(text: string): { orderId: string; traceId: string | undefined } | undefined {
  try {
    const body = JSON.parse(text) as { orderId?: unknown; traceId?: unknown };
    if (typeof body.orderId !== 'string' || body.orderId === '') return undefined;
    return { orderId: body.orderId, traceId: typeof body.traceId === 'string' ? body.traceId : undefined };
  } catch {
    return undefined;
  }
}

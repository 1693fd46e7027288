import { INVALID_SPAN_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import { DependencyError, ValidationError } from '../shared/errors';
import { IdempotencyConflictError, OrderInFlightError, OrderNotPublishedError, OrderOutcomeUnknownError } from '../shared/orders/acceptErrors';
import { acceptOrder } from '../shared/orders/acceptOrder';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from '../shared/orders/idempotencyKey';
import type { Dependencies } from './dependencies';
import { jsonParseError } from './jsonBodyErrors';

interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

/**
 * HTTP function: accepts an order, answers 202 {orderId, traceId}. The tracing library
 * (registered in index.ts) makes the server span and flushes before the answer leaves.
 */
export function createOrderHandler(deps: Dependencies): HttpFunction {
  return async (req, res) => {
    // Tracing off: a non-recording span, so the order logic never checks.
    const span = trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const outcome = await respond(req, deps, span);
    if (outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: String(outcome.body.error) });
    res.status(outcome.status).set(outcome.headers ?? {}).json(outcome.body);
  };
}

async function respond(req: Request, deps: Dependencies, span: Span): Promise<HttpResult> {
  if (req.method !== 'POST') {
    return { status: 405, headers: { Allow: 'POST' }, body: { error: `method ${req.method} not allowed; POST an order as JSON` } };
  }
  const parseError = jsonParseError(req);
  const size = req.rawBody?.length ?? Number(req.get('content-length') ?? 0);
  if (parseError?.status === 413) {
    const described = req.get('content-length') === undefined ? 'body' : `body of ${size} bytes`;
    return { status: 413, body: { error: `${described} exceeds the limit of ${deps.config.maxBodyBytes} bytes` } };
  }
  if (!req.is('application/json')) {
    return { status: 415, body: { error: `Content-Type must be application/json, got ${req.get('content-type') || 'none'}` } };
  }
  const key = parseIdempotencyKey(req.get(IDEMPOTENCY_KEY_HEADER));
  if (!key.ok) return { status: 400, body: { error: key.problem } };
  if (parseError?.status === 415) return { status: 415, body: { error: `the JSON body cannot be read: ${parseError.message}` } };
  if (parseError !== undefined) return { status: 400, body: { error: 'invalid order', problems: [`body is not valid JSON: ${parseError.message}`] } };
  span.setAttribute('orders.idempotency.keyed', key.key !== undefined);
  try {
    const accepted = await acceptOrder(
      { body: req.body, idempotencyKey: key.key, traceId: span.spanContext().traceId },
      { ...deps, inFlightMs: deps.config.idempotencyInFlightMs },
    );
    span.setAttributes({ 'orders.order_id': accepted.orderId, 'orders.idempotency.outcome': accepted.outcome });
    deps.log.info(accepted.outcome === 'replayed' ? 'order already accepted; first answer repeated' : 'order accepted', {
      orderId: accepted.orderId,
      messageId: accepted.messageId,
      outcome: accepted.outcome,
    });
    return { status: 202, body: { orderId: accepted.orderId, traceId: accepted.traceId } };
  } catch (error) {
    return failureResponse(error, deps, span);
  }
}

function failureResponse(error: unknown, deps: Dependencies, span: Span): HttpResult {
  if (error instanceof ValidationError) return { status: 400, body: { error: 'invalid order', problems: [...error.problems] } };
  if (error instanceof IdempotencyConflictError) return { status: 422, body: { error: error.message } };
  if (error instanceof OrderInFlightError) {
    return { status: 409, headers: { 'Retry-After': '1' }, body: { error: error.message, orderId: error.orderId } };
  }
  if (error instanceof OrderNotPublishedError) {
    span.setAttributes({ 'error.type': 'pubsub', 'orders.order_id': error.orderId });
    deps.log.error('order stored but not published; kept for a retry or the sweeper', { orderId: error.orderId, error });
    const next = error.keyed
      ? 'the order is stored; retry with the same Idempotency-Key to complete it'
      : 'the order is stored and will be published by the recovery sweeper; a retry without an Idempotency-Key creates a second order';
    return { status: 503, headers: { 'Retry-After': '1' }, body: { error: error.message, dependency: 'pubsub', orderId: error.orderId, next } };
  }
  if (error instanceof OrderOutcomeUnknownError) {
    span.setAttributes({ 'error.type': 'firestore', 'orders.order_id': error.orderId });
    deps.log.error('order write unanswered; it may still be stored (then the sweeper publishes it)', { orderId: error.orderId, error });
    const next = error.keyed
      ? 'retry with the same Idempotency-Key: it completes this order if it was stored, or stores it'
      : 'if the write landed, this order will be processed under this orderId; a retry without an Idempotency-Key may create a second order';
    return {
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { error: error.message, dependency: 'firestore', orderId: error.orderId, outcome: 'unknown', next },
    };
  }
  if (error instanceof DependencyError) {
    span.setAttribute('error.type', error.dependency);
    deps.log.error('order not accepted', { dependency: error.dependency, error });
    return { status: 503, headers: { 'Retry-After': '1' }, body: { error: error.message, dependency: error.dependency } };
  }
  span.setAttribute('error.type', 'internal');
  deps.log.error('order failed unexpectedly', { error });
  return { status: 500, body: { error: 'internal error' } };
}

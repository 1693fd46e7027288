import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { incomingParent } from './incomingTraceContext';
import type { StartedInvocation } from './runInvocation';
import { startInvocation } from './runInvocation';
import type { Tracing } from './startTracing';
import type { IncomingTraceContextMode } from './tracingConfig';
import { ATTR_FAAS_INVOCATION_ID, ATTR_FAAS_TRIGGER, ATTR_HTTP_REQUEST_BODY_SIZE, FAAS_TRIGGER_VALUE_HTTP } from './semconv';

export interface HttpTracingOptions {
  /** Overrides TRACE_INCOMING_CONTEXT for this function. */
  readonly incomingContext?: IncomingTraceContextMode;
}

type End = Response['end'];

/**
 * `handler` traced: one SERVER span per request (the caller's context by the incoming
 * context policy, baggage dropped), active while the handler runs. The handler answers
 * as it likes (send, json, end, a piped stream, status().send()): all of them finish
 * with `res.end`, which is held until the invocation's spans have ended and the flush
 * has settled, so the spans are exported before the response leaves (the platform
 * throttles the CPU after it). A handler that throws is recorded on the span before
 * functions-framework answers 500; a request that closes unanswered is still recorded
 * and flushed.
 */
export function traceHttp(tracing: Tracing, handler: HttpFunction, options: HttpTracingOptions = {}): HttpFunction {
  if (!tracing.enabled) return handler;
  const mode = options.incomingContext ?? tracing.config.traceIncomingContext;
  return (req, res) => {
    const { parent, links } = incomingParent(req.headers, mode);
    const invocation = startInvocation(tracing, {
      name: `${req.method} /`,
      kind: SpanKind.SERVER,
      parent,
      links,
      attributes: requestAttributes(req, tracing.config.recordClientAddress),
    });
    const answer = holdEnd(res, invocation, tracing.flushMode === 'background');
    res.once('close', () => {
      if (answer.started) return;
      invocation.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the connection closed before the function answered' });
      void invocation.finish();
    });
    let returned: unknown;
    try {
      returned = context.with(invocation.context, () => handler(req, res));
    } catch (error) {
      invocation.fail(error);
      throw error;
    }
    if (!(returned instanceof Promise)) return returned;
    // Rethrown: functions-framework answers 500, through the held res.end.
    return returned.catch((error: unknown) => {
      invocation.fail(error);
      throw error;
    });
  };
}

/**
 * Replaces `res.end` for this response: the first call records the status, ends the
 * invocation, and calls the real end once the invocation has finished. Express's send,
 * json, sendStatus and redirect, and stream.pipe(res), all end through it.
 */
function holdEnd(res: Response, invocation: StartedInvocation, background: boolean): { readonly started: boolean } {
  const state = { started: false };
  const realEnd: End = res.end;
  res.end = function heldEnd(this: Response, ...args: unknown[]) {
    if (state.started) return (realEnd as (...a: unknown[]) => Response).apply(this, args);
    state.started = true;
    recordStatus(invocation, res.statusCode);
    const finished = invocation.finish();
    if (background) return (realEnd as (...a: unknown[]) => Response).apply(this, args);
    void finished.then(() => (realEnd as (...a: unknown[]) => Response).apply(this, args));
    return this;
  } as End;
  return state;
}

function recordStatus(invocation: StartedInvocation, status: number): void {
  invocation.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  // A status the handler set itself (with its message) is kept.
  const current = (invocation.span as { status?: { code: SpanStatusCode } }).status?.code;
  if (status >= 500 && current === SpanStatusCode.UNSET) invocation.span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
}

/**
 * The server span's attributes. What is unknown is left out, never recorded as an empty
 * string. The caller's address is personal data in most jurisdictions, so it is recorded
 * only when TRACE_CLIENT_ADDRESS=true; the user agent is recorded (docs/tracing.md says so).
 */
function requestAttributes(req: Request, recordClientAddress: boolean): Attributes {
  const invocationId = req.get('function-execution-id') ?? (req as Request & { executionId?: string }).executionId ?? randomUUID();
  const attributes: Attributes = {
    [ATTR_FAAS_TRIGGER]: FAAS_TRIGGER_VALUE_HTTP,
    [ATTR_FAAS_INVOCATION_ID]: invocationId,
    [ATTR_HTTP_REQUEST_METHOD]: req.method,
    [ATTR_HTTP_ROUTE]: '/',
    [ATTR_URL_PATH]: req.path,
    [ATTR_URL_SCHEME]: req.protocol,
    [ATTR_HTTP_REQUEST_BODY_SIZE]: req.rawBody?.length ?? Number(req.get('content-length') ?? 0),
  };
  const userAgent = req.get('user-agent');
  if (userAgent) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  if (recordClientAddress && req.ip) attributes[ATTR_CLIENT_ADDRESS] = req.ip;
  return attributes;
}

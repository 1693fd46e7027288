import type { IncomingHttpHeaders } from 'node:http';

/** The trace context a caller sent, as the front end understood it. */
export interface CallerTrace {
  readonly traceId: string;
  /** The caller's span, the parent of the front end's; undefined for X-Cloud-Trace-Context without one. */
  readonly parentSpanId: string | undefined;
  /** The caller forced tracing with `X-Cloud-Trace-Context: …;o=1` (a traceparent's own flag does not force it). */
  readonly forced: boolean;
}

/** What the front end puts on the request it forwards. */
export interface ForwardedTrace {
  readonly traceId: string;
  /** The front end's own span: the function's server span becomes its child. */
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly sampled: boolean;
  readonly headers: { readonly traceparent: string; readonly 'x-cloud-trace-context': string };
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
// TRACE_ID/SPAN_ID;o=OPTIONS, the span id decimal (Cloud Trace's legacy header); span and options optional.
const CLOUD_TRACE = /^([0-9a-fA-F]{32})(?:\/(\d{1,20}))?(?:;o=(\d+))?$/;
const ZERO_TRACE = /^0{32}$/;
const ZERO_SPAN = /^0{16}$/;

/**
 * Reads the caller's trace context: a valid `traceparent` first, else a valid
 * `X-Cloud-Trace-Context`; anything malformed counts as absent (a new trace), never an
 * error. Only `X-Cloud-Trace-Context: …;o=1` forces sampling (Google documents that one);
 * a traceparent's sampled flag is replaced by the front end's own decision.
 */
export function readCallerTrace(headers: IncomingHttpHeaders): CallerTrace | undefined {
  const cloud = fromCloudTrace(single(headers['x-cloud-trace-context']));
  const w3c = fromTraceparent(single(headers.traceparent));
  if (w3c) return { ...w3c, forced: cloud?.forced === true && cloud.traceId === w3c.traceId };
  return cloud;
}

/**
 * The context the front end forwards: the caller's trace id (or a new one), a new span id
 * for the front end's own span, and the sampled flag Google's front end sets: kept when
 * the caller forced tracing, otherwise `sampleNext()` (the rate-limited token bucket).
 * Both headers are written, as Cloud Run does. Pure apart from the two functions passed in.
 */
export function forwardTrace(
  caller: CallerTrace | undefined,
  decide: { readonly sampleForced: () => boolean; readonly sampleNext: () => boolean },
  randomHex: (bytes: number) => string,
): ForwardedTrace {
  const traceId = caller?.traceId ?? nonZero(randomHex, 16);
  const spanId = nonZero(randomHex, 8);
  const sampled = caller?.forced ? decide.sampleForced() : decide.sampleNext();
  return {
    traceId,
    spanId,
    parentSpanId: caller?.parentSpanId,
    sampled,
    headers: {
      traceparent: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`,
      'x-cloud-trace-context': `${traceId}/${BigInt(`0x${spanId}`).toString(10)};o=${sampled ? 1 : 0}`,
    },
  };
}

function fromTraceparent(raw: string | undefined): CallerTrace | undefined {
  const m = raw === undefined ? null : TRACEPARENT.exec(raw.trim().toLowerCase());
  if (!m) return undefined;
  // The flags are not read: the front end decides sampling itself.
  const [, version, traceId, spanId, , rest] = m as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is invalid; version 00 has exactly four fields (W3C Trace Context).
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ZERO_TRACE.test(traceId) || ZERO_SPAN.test(spanId)) return undefined;
  return { traceId, parentSpanId: spanId, forced: false };
}

function fromCloudTrace(raw: string | undefined): CallerTrace | undefined {
  const m = raw === undefined ? null : CLOUD_TRACE.exec(raw.trim());
  if (!m) return undefined;
  const traceId = m[1]!.toLowerCase();
  if (ZERO_TRACE.test(traceId)) return undefined;
  let parentSpanId: string | undefined;
  if (m[2] !== undefined) {
    const span = BigInt(m[2]);
    parentSpanId = span > 0n && span < 2n ** 64n ? span.toString(16).padStart(16, '0') : undefined;
  }
  return { traceId, parentSpanId, forced: m[3] !== undefined && (Number(m[3]) & 1) === 1 };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

function nonZero(randomHex: (bytes: number) => string, bytes: number): string {
  for (;;) {
    const id = randomHex(bytes);
    if (!/^0+$/.test(id)) return id;
  }
}

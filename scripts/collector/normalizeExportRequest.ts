import type { KeyValue, SpanEvent, SpanLink, StoredSpan } from './storedSpan';

/**
 * Turns an ExportTraceServiceRequest, either parsed OTLP/JSON or a protobufjs
 * `toObject` result (same camelCase keys, ids as bytes, int64 as strings), into
 * StoredSpans. A request of the wrong shape fails as a whole (400); a span with
 * an unusable trace or span id is rejected alone and counted, as OTLP's partial
 * success allows.
 */
export type NormalizeResult =
  | { readonly ok: true; readonly spans: readonly StoredSpan[]; readonly rejected: number; readonly rejectReason: string }
  | { readonly ok: false; readonly error: string };

class ShapeError extends Error {}

type Obj = Readonly<Record<string, unknown>>;
type Origin = Pick<StoredSpan, 'serviceName' | 'resource' | 'scope'>;

const SPAN_KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

export function normalizeExportRequest(request: unknown): NormalizeResult {
  try {
    const spans: StoredSpan[] = [];
    let rejected = 0;
    let rejectReason = '';
    for (const resourceSpans of objects(field(asObject(request, 'request'), 'resourceSpans', 'resource_spans'), 'resourceSpans')) {
      const resource = optionalObject(field(resourceSpans, 'resource'), 'resource');
      const resourceAttributes = attributes(resource ? field(resource, 'attributes') : undefined);
      const serviceName = resourceAttributes.find((a) => a.key === 'service.name' && a.type === 'string')?.value;
      // Once per resource, not per span: every span of a batch shares these (read-only) values.
      const fromResource = {
        serviceName: typeof serviceName === 'string' ? serviceName : 'unknown_service',
        resource: resourceAttributes.filter((a) => a.key !== 'service.name'),
      };
      for (const scopeSpans of objects(field(resourceSpans, 'scopeSpans', 'scope_spans'), 'scopeSpans')) {
        const scope = optionalObject(field(scopeSpans, 'scope'), 'scope');
        let origin: Origin | undefined;
        for (const span of objects(field(scopeSpans, 'spans'), 'spans')) {
          // Read at the first span, so a scope without spans is never checked.
          origin ??= { ...fromResource, scope: { name: str(scope ? field(scope, 'name') : undefined), version: str(scope ? field(scope, 'version') : undefined) } };
          const stored = toStoredSpan(span, origin);
          if (typeof stored === 'string') {
            rejected += 1;
            rejectReason ||= stored;
          } else {
            spans.push(stored);
          }
        }
      }
    }
    return { ok: true, spans, rejected, rejectReason };
  } catch (error) {
    return { ok: false, error: error instanceof ShapeError ? error.message : `unreadable request: ${String(error)}` };
  }
}

function toStoredSpan(span: Obj, origin: Origin): StoredSpan | string {
  const traceId = id(field(span, 'traceId', 'trace_id'), 16);
  const spanId = id(field(span, 'spanId', 'span_id'), 8);
  const rawParent = field(span, 'parentSpanId', 'parent_span_id');
  const parentSpanId = isEmptyId(rawParent) ? '' : id(rawParent, 8);
  if (traceId === undefined) return 'span with an invalid trace id';
  if (spanId === undefined) return 'span with an invalid span id';
  if (parentSpanId === undefined) return 'span with an invalid parent span id';
  const status = optionalObject(field(span, 'status'), 'status');
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState: str(field(span, 'traceState', 'trace_state')),
    flags: num(field(span, 'flags')),
    name: str(field(span, 'name')),
    kind: enumValue(field(span, 'kind'), SPAN_KIND_NAMES),
    startTimeUnixNano: nanos(field(span, 'startTimeUnixNano', 'start_time_unix_nano')),
    endTimeUnixNano: nanos(field(span, 'endTimeUnixNano', 'end_time_unix_nano')),
    attributes: attributes(field(span, 'attributes')),
    events: objects(field(span, 'events'), 'events').map(
      (e): SpanEvent => ({
        timeUnixNano: nanos(field(e, 'timeUnixNano', 'time_unix_nano')),
        name: str(field(e, 'name')),
        attributes: attributes(field(e, 'attributes')),
      }),
    ),
    links: objects(field(span, 'links'), 'links').flatMap((l): SpanLink[] => {
      const linkTraceId = id(field(l, 'traceId', 'trace_id'), 16);
      const linkSpanId = id(field(l, 'spanId', 'span_id'), 8);
      if (linkTraceId === undefined || linkSpanId === undefined) return [];
      return [{ traceId: linkTraceId, spanId: linkSpanId, traceState: str(field(l, 'traceState', 'trace_state')), attributes: attributes(field(l, 'attributes')) }];
    }),
    status: {
      code: status ? enumValue(field(status, 'code'), STATUS_NAMES) : 0,
      message: status ? str(field(status, 'message')) : '',
    },
    ...origin,
  };
}

function attributes(value: unknown): KeyValue[] {
  return objects(value, 'attributes').map((kv) => ({ key: str(field(kv, 'key')), ...anyValue(field(kv, 'value')) }));
}

function anyValue(value: unknown): Omit<KeyValue, 'key'> {
  const v = optionalObject(value, 'value');
  if (!v) return { type: 'string', value: '' };
  const s = field(v, 'stringValue', 'string_value');
  if (s !== undefined && s !== null) return { type: 'string', value: str(s) };
  const b = field(v, 'boolValue', 'bool_value');
  if (b !== undefined && b !== null) return { type: 'bool', value: b === true || b === 'true' };
  const i = field(v, 'intValue', 'int_value');
  if (i !== undefined && i !== null) {
    const n = Number(str(i));
    if (!Number.isInteger(n)) throw new ShapeError(`invalid intValue ${JSON.stringify(i)}`);
    return { type: 'int64', value: Number.isSafeInteger(n) ? n : str(i) };
  }
  const d = field(v, 'doubleValue', 'double_value');
  if (d !== undefined && d !== null) {
    const n = Number(d);
    return { type: 'float64', value: Number.isFinite(n) ? n : str(d) };
  }
  const bytes = field(v, 'bytesValue', 'bytes_value');
  if (bytes !== undefined && bytes !== null) {
    return { type: 'binary', value: bytes instanceof Uint8Array ? Buffer.from(bytes).toString('base64') : str(bytes) };
  }
  const array = field(v, 'arrayValue', 'array_value');
  const kvlist = field(v, 'kvlistValue', 'kvlist_value');
  if ((array !== undefined && array !== null) || (kvlist !== undefined && kvlist !== null)) {
    // Jaeger's OTLP translator also flattens arrays and maps to JSON text.
    return { type: 'string', value: JSON.stringify(plain(v)) };
  }
  return { type: 'string', value: '' };
}

function plain(value: unknown): unknown {
  const v = optionalObject(value, 'value');
  if (!v) return null;
  const array = optionalObject(field(v, 'arrayValue', 'array_value'), 'arrayValue');
  if (array) return objects(field(array, 'values'), 'values').map(plain);
  const kvlist = optionalObject(field(v, 'kvlistValue', 'kvlist_value'), 'kvlistValue');
  if (kvlist) {
    return Object.fromEntries(objects(field(kvlist, 'values'), 'values').map((kv) => [str(field(kv, 'key')), plain(field(kv, 'value'))]));
  }
  return anyValue(v).value;
}

function field(obj: Obj, name: string, altName?: string): unknown {
  const value = obj[name];
  return value === undefined && altName !== undefined ? obj[altName] : value;
}

function asObject(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new ShapeError(`${what} must be an object`);
  }
  return value as Obj;
}

function optionalObject(value: unknown, what: string): Obj | undefined {
  return value === undefined || value === null ? undefined : asObject(value, what);
}

function objects(value: unknown, what: string): Obj[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ShapeError(`${what} must be an array`);
  return value.map((item) => asObject(item, `each of ${what}`));
}

function str(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new ShapeError(`expected a string, got ${typeof value}`);
}

function num(value: unknown): number {
  const n = Number(str(value) || 0);
  if (!Number.isFinite(n)) throw new ShapeError(`expected a number, got ${JSON.stringify(value)}`);
  return n;
}

function nanos(value: unknown): string {
  const text = str(value) || '0';
  if (!/^\d+$/.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) throw new ShapeError(`invalid timestamp ${JSON.stringify(value)}`);
    return BigInt(Math.trunc(n)).toString();
  }
  return BigInt(text).toString();
}

function enumValue(value: unknown, names: readonly string[]): number {
  if (typeof value === 'string' && names.includes(value)) return names.indexOf(value);
  return num(value);
}

function isEmptyId(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (value instanceof Uint8Array && value.length === 0);
}

/** Lowercase hex of an id of `bytes` bytes, or undefined when missing, malformed or all zero. */
function id(value: unknown, bytes: number): string | undefined {
  let hex: string;
  if (value instanceof Uint8Array) hex = Buffer.from(value).toString('hex');
  else if (typeof value === 'string') hex = value.toLowerCase();
  else return undefined;
  if (hex.length !== bytes * 2 || !/^[0-9a-f]+$/.test(hex) || /^0+$/.test(hex)) return undefined;
  return hex;
}

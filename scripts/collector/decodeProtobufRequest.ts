import protobuf from 'protobufjs';
import type { NormalizeResult } from './normalizeExportRequest';
import type { KeyValue, SpanEvent, SpanLink, StoredSpan, ValueType } from './storedSpan';

/**
 * An OTLP/protobuf ExportTraceServiceRequest straight from the wire into StoredSpans.
 *
 * The same result as decoding with the schema (otlpSchema), `toObject` and
 * normalizeExportRequest, without building the two intermediate object trees: that
 * path cost the collector most of its CPU per span and most of its garbage. Field
 * numbers are OTLP's (opentelemetry-proto v1 trace.proto, common.proto,
 * resource.proto); unknown fields are skipped, as protobuf requires.
 */
export function decodeProtobufRequest(body: Uint8Array): NormalizeResult {
  try {
    const reader = protobuf.Reader.create(body);
    const spans: StoredSpan[] = [];
    const state = { rejected: 0, rejectReason: '' };
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag === FIELD_1_LEN) resourceSpans(reader, reader.uint32() + reader.pos, spans, state);
      else reader.skipType(tag & 7);
    }
    return { ok: true, spans, rejected: state.rejected, rejectReason: state.rejectReason };
  } catch (error) {
    return { ok: false, error: `cannot decode protobuf ExportTraceServiceRequest: ${error instanceof Error ? error.message : String(error)}` };
  }
}

type Reader = protobuf.Reader;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// Tags: field number << 3 | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
const FIELD_1_LEN = (1 << 3) | 2;

class ShapeError extends Error {}

function resourceSpans(reader: Reader, end: number, out: StoredSpan[], state: { rejected: number; rejectReason: string }): void {
  let resource: KeyValue[] = [];
  const decoded: Mutable<StoredSpan>[][] = [];
  const scopes: { name: string; version: string }[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1: // Resource
        resource = resourceAttributes(reader, lengthOf(reader, tag));
        break;
      case 2: {
        const spans: Mutable<StoredSpan>[] = [];
        scopes.push(scopeSpans(reader, lengthOf(reader, tag), spans, state));
        decoded.push(spans);
        break;
      }
      default:
        reader.skipType(tag & 7);
    }
  }
  // Resource and scope may come after the spans on the wire: attached once all is read.
  const named = resource.find((a) => a.key === 'service.name' && a.type === 'string')?.value;
  const serviceName = typeof named === 'string' ? named : 'unknown_service';
  const rest = resource.filter((a) => a.key !== 'service.name');
  decoded.forEach((spans, i) => {
    for (const span of spans) {
      span.serviceName = serviceName;
      span.resource = rest;
      span.scope = scopes[i]!;
      out.push(span);
    }
  });
}

function resourceAttributes(reader: Reader, end: number): KeyValue[] {
  const attributes: KeyValue[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) attributes.push(keyValue(reader, lengthOf(reader, tag)));
    else reader.skipType(tag & 7);
  }
  return attributes;
}

function scopeSpans(reader: Reader, end: number, out: Mutable<StoredSpan>[], state: { rejected: number; rejectReason: string }): { name: string; version: string } {
  const scope = { name: '', version: '' };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1: {
        const scopeEnd = lengthOf(reader, tag);
        while (reader.pos < scopeEnd) {
          const t = reader.uint32();
          if (t >>> 3 === 1) scope.name = stringOf(reader, t);
          else if (t >>> 3 === 2) scope.version = stringOf(reader, t);
          else reader.skipType(t & 7);
        }
        break;
      }
      case 2: {
        const span = spanOf(reader, lengthOf(reader, tag));
        if (typeof span === 'string') {
          state.rejected += 1;
          state.rejectReason ||= span;
        } else {
          out.push(span);
        }
        break;
      }
      default:
        reader.skipType(tag & 7);
    }
  }
  return scope;
}

function spanOf(reader: Reader, end: number): Mutable<StoredSpan> | string {
  let traceId: Uint8Array | undefined;
  let spanId: Uint8Array | undefined;
  let parent: Uint8Array | undefined;
  const span: Mutable<StoredSpan> = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: [],
    events: [],
    links: [],
    status: { code: 0, message: '' },
    serviceName: '',
    resource: [],
    scope: { name: '', version: '' },
  };
  const attributes: KeyValue[] = [];
  const events: SpanEvent[] = [];
  const links: SpanLink[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        traceId = bytesOf(reader, tag);
        break;
      case 2:
        spanId = bytesOf(reader, tag);
        break;
      case 3:
        span.traceState = stringOf(reader, tag);
        break;
      case 4:
        parent = bytesOf(reader, tag);
        break;
      case 5:
        span.name = stringOf(reader, tag);
        break;
      case 6:
        span.kind = varintOf(reader, tag);
        break;
      case 7:
        span.startTimeUnixNano = fixed64Of(reader, tag);
        break;
      case 8:
        span.endTimeUnixNano = fixed64Of(reader, tag);
        break;
      case 9:
        attributes.push(keyValue(reader, lengthOf(reader, tag)));
        break;
      case 11:
        events.push(eventOf(reader, lengthOf(reader, tag)));
        break;
      case 13: {
        const link = linkOf(reader, lengthOf(reader, tag));
        if (link) links.push(link);
        break;
      }
      case 15:
        span.status = statusOf(reader, lengthOf(reader, tag));
        break;
      case 16:
        span.flags = fixed32Of(reader, tag);
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  const trace = hexId(traceId, 16);
  const id = hexId(spanId, 8);
  const parentId = parent === undefined || parent.length === 0 ? '' : hexId(parent, 8);
  if (trace === undefined) return 'span with an invalid trace id';
  if (id === undefined) return 'span with an invalid span id';
  if (parentId === undefined) return 'span with an invalid parent span id';
  span.traceId = trace;
  span.spanId = id;
  span.parentSpanId = parentId;
  span.attributes = attributes;
  span.events = events;
  span.links = links;
  return span;
}

function eventOf(reader: Reader, end: number): SpanEvent {
  let timeUnixNano = '0';
  let name = '';
  const attributes: KeyValue[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        timeUnixNano = fixed64Of(reader, tag);
        break;
      case 2:
        name = stringOf(reader, tag);
        break;
      case 3:
        attributes.push(keyValue(reader, lengthOf(reader, tag)));
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  return { timeUnixNano, name, attributes };
}

/** A link, or undefined when its ids are unusable (dropped, as normalizeExportRequest does). */
function linkOf(reader: Reader, end: number): SpanLink | undefined {
  let traceId: Uint8Array | undefined;
  let spanId: Uint8Array | undefined;
  let traceState = '';
  const attributes: KeyValue[] = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        traceId = bytesOf(reader, tag);
        break;
      case 2:
        spanId = bytesOf(reader, tag);
        break;
      case 3:
        traceState = stringOf(reader, tag);
        break;
      case 4:
        attributes.push(keyValue(reader, lengthOf(reader, tag)));
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  const linkTraceId = hexId(traceId, 16);
  const linkSpanId = hexId(spanId, 8);
  if (linkTraceId === undefined || linkSpanId === undefined) return undefined;
  return { traceId: linkTraceId, spanId: linkSpanId, traceState, attributes };
}

function statusOf(reader: Reader, end: number): { code: number; message: string } {
  const status = { code: 0, message: '' };
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 2) status.message = stringOf(reader, tag);
    else if (tag >>> 3 === 3) status.code = varintOf(reader, tag);
    else reader.skipType(tag & 7);
  }
  return status;
}

function keyValue(reader: Reader, end: number): KeyValue {
  let key = '';
  let value: TypedValue = EMPTY_STRING;
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) key = stringOf(reader, tag);
    else if (tag >>> 3 === 2) value = anyValue(reader, lengthOf(reader, tag));
    else reader.skipType(tag & 7);
  }
  return { key, type: value.type, value: value.value };
}

interface TypedValue {
  readonly type: ValueType;
  readonly value: string | number | boolean;
}

const EMPTY_STRING: TypedValue = { type: 'string', value: '' };

/** AnyValue as a tag value; arrays and maps become JSON text, as Jaeger's OTLP translator does. */
function anyValue(reader: Reader, end: number): TypedValue {
  let value: TypedValue = EMPTY_STRING;
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        value = { type: 'string', value: stringOf(reader, tag) };
        break;
      case 2:
        value = { type: 'bool', value: varintOf(reader, tag) !== 0 };
        break;
      case 3:
        value = { type: 'int64', value: int64Of(reader, tag) };
        break;
      case 4: {
        expectWireType(tag, 1);
        const n = reader.double();
        value = { type: 'float64', value: Number.isFinite(n) ? n : String(n) };
        break;
      }
      case 5:
      case 6:
        value = { type: 'string', value: JSON.stringify(plainValue(reader, tag)) };
        break;
      case 7:
        value = { type: 'binary', value: Buffer.from(bytesOf(reader, tag)).toString('base64') };
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  return value;
}

/** The plain JSON form of an array or map value (field 5 or 6 of AnyValue). */
function plainValue(reader: Reader, tag: number): unknown {
  const end = lengthOf(reader, tag);
  const isArray = tag >>> 3 === 5;
  const array: unknown[] = [];
  const map: Record<string, unknown> = {};
  while (reader.pos < end) {
    const t = reader.uint32();
    if (t >>> 3 !== 1) {
      reader.skipType(t & 7);
      continue;
    }
    const itemEnd = lengthOf(reader, t);
    if (isArray) {
      array.push(plainAny(reader, itemEnd));
      continue;
    }
    let key = '';
    let item: unknown = null;
    while (reader.pos < itemEnd) {
      const kt = reader.uint32();
      if (kt >>> 3 === 1) key = stringOf(reader, kt);
      else if (kt >>> 3 === 2) item = plainAny(reader, lengthOf(reader, kt));
      else reader.skipType(kt & 7);
    }
    map[key] = item;
  }
  return isArray ? array : map;
}

function plainAny(reader: Reader, end: number): unknown {
  let item: unknown = null;
  let seen = false;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 5 || field === 6) {
      item = plainValue(reader, tag);
      seen = true;
      continue;
    }
    // A scalar: the same value anyValue gives a tag.
    const single = anyScalar(reader, tag);
    if (single !== undefined) {
      item = single;
      seen = true;
    }
  }
  // An AnyValue with nothing set reads as an empty string, like a tag would.
  return seen ? item : '';
}

function anyScalar(reader: Reader, tag: number): string | number | boolean | undefined {
  switch (tag >>> 3) {
    case 1:
      return stringOf(reader, tag);
    case 2:
      return varintOf(reader, tag) !== 0;
    case 3:
      return int64Of(reader, tag);
    case 4: {
      expectWireType(tag, 1);
      const n = reader.double();
      return Number.isFinite(n) ? n : String(n);
    }
    case 7:
      return Buffer.from(bytesOf(reader, tag)).toString('base64');
    default:
      reader.skipType(tag & 7);
      return undefined;
  }
}

function expectWireType(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) throw new ShapeError(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${wireType}`);
}

/** End position of the length-delimited field just tagged. */
function lengthOf(reader: Reader, tag: number): number {
  expectWireType(tag, 2);
  const end = reader.uint32() + reader.pos;
  if (end > reader.len) throw new ShapeError(`a field runs past the end of the message (${end} > ${reader.len})`);
  return end;
}

function stringOf(reader: Reader, tag: number): string {
  expectWireType(tag, 2);
  return reader.string();
}

function bytesOf(reader: Reader, tag: number): Uint8Array {
  expectWireType(tag, 2);
  return reader.bytes();
}

function varintOf(reader: Reader, tag: number): number {
  expectWireType(tag, 0);
  return reader.int32();
}

function fixed32Of(reader: Reader, tag: number): number {
  expectWireType(tag, 5);
  return reader.fixed32();
}

/** A fixed64 (nanoseconds since the epoch) as a decimal string: exact beyond 2^53. */
function fixed64Of(reader: Reader, tag: number): string {
  expectWireType(tag, 1);
  const lo = reader.fixed32();
  const hi = reader.fixed32();
  if (hi < 0x200000) return String(hi * 0x100000000 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** An int64 varint: a number when exact, else its decimal string. */
function int64Of(reader: Reader, tag: number): number | string {
  expectWireType(tag, 0);
  const long = reader.int64() as unknown as number | { toNumber(): number; toString(): string };
  if (typeof long === 'number') return long;
  const n = long.toNumber();
  return Number.isSafeInteger(n) ? n : long.toString();
}

/** Lowercase hex of an id of `bytes` bytes, or undefined when missing, malformed or all zero. */
function hexId(value: Uint8Array | undefined, bytes: number): string | undefined {
  if (value === undefined || value.length !== bytes) return undefined;
  let zero = true;
  for (const byte of value) {
    if (byte !== 0) {
      zero = false;
      break;
    }
  }
  return zero ? undefined : Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
}

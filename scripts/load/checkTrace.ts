import type { JaegerSpanLike, JaegerTraceLike } from './jaegerTrace';
import { fullTraceId, parentOf, tagValue } from './jaegerTrace';

export interface TraceExpectation {
  /** The trace id the load generator started (32 hex). */
  readonly traceId: string;
  /**
   * The load generator's CLIENT span, which must be the root. Undefined (no trace headers
   * sent): createOrder's SERVER span is the top; its parent may be absent (a front end's
   * span, which Cloud Run, and the local one, store for sampled requests only, if at all).
   */
  readonly clientSpanId: string | undefined;
}

export interface TraceCheck {
  readonly complete: boolean;
  /** What is missing or wrong, in words; empty when complete. */
  readonly missing: readonly string[];
  /** processOrder's span end − the client span's start, in ms (when both exist). */
  readonly endToEndMs: number | undefined;
  /** processOrder's `orders.result` tag (processed / already-processed / rejected). */
  readonly processResult: string | undefined;
  /** Spans with `faas.coldstart=true`: invocations that were their instance's first. */
  readonly coldStarts?: number;
  /** Each span's name and duration (ms), for the report's time per span name. */
  readonly spanTimes?: readonly { readonly service: string; readonly name: string; readonly ms: number }[];
}

/**
 * Checks one order's trace has the shape the pipeline promises:
 *   client (root) → createOrder SERVER → { Firestore CLIENT (db.*), gRPC, PRODUCER (gcp_pubsub) }
 *   PRODUCER → processOrder CONSUMER → { Firestore CLIENT (db.*), gRPC }
 * with one trace id and every parent present. Spans are found by kind and
 * semantic-convention tags, not by name, so renamed spans still pass.
 */
export function checkTrace(trace: JaegerTraceLike | undefined, expected: TraceExpectation): TraceCheck {
  if (!trace || trace.spans.length === 0) {
    return { complete: false, missing: ['trace not found'], endToEndMs: undefined, processResult: undefined };
  }
  const missing: string[] = [];
  const wantedId = fullTraceId(expected.traceId);
  const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
  const children = new Map<string, JaegerSpanLike[]>();
  for (const span of trace.spans) {
    if (fullTraceId(span.traceID) !== wantedId) {
      missing.push(`span "${span.operationName}" (${span.spanID}) has trace id ${span.traceID}, not ${expected.traceId}`);
    }
    const parent = parentOf(span);
    if (parent === undefined) continue;
    if (!byId.has(parent) && expected.clientSpanId !== undefined) missing.push(`orphan: span "${span.operationName}" (${span.spanID}) has parent ${parent}, which is not in the trace`);
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }

  // Without a client span the top is createOrder's SERVER span: a root, or a child of a span not in the trace.
  const isTop = (span: JaegerSpanLike): boolean => parentOf(span) === undefined || !byId.has(parentOf(span)!);
  const client = expected.clientSpanId === undefined ? undefined : byId.get(expected.clientSpanId);
  if (expected.clientSpanId !== undefined) {
    if (!client) missing.push(`client span ${expected.clientSpanId}`);
    else if (parentOf(client) !== undefined) missing.push(`client span ${expected.clientSpanId} is not the root`);
  }
  const roots = trace.spans.filter(expected.clientSpanId === undefined ? isTop : (span) => parentOf(span) === undefined);
  if (roots.length > 1) missing.push(`${roots.length} root spans (${roots.map((s) => `"${s.operationName}"`).join(', ')}); expected one`);

  const server = client
    ? (children.get(client.spanID) ?? []).find((s) => kind(s) === 'server')
    : expected.clientSpanId === undefined
      ? roots.find((s) => kind(s) === 'server')
      : undefined;
  let consumer: JaegerSpanLike | undefined;
  let consumers: JaegerSpanLike[] = [];
  if (client && !server) missing.push('createOrder SERVER span (child of the client span)');
  if (expected.clientSpanId === undefined && !server) missing.push('createOrder SERVER span (the top of the trace)');
  if (server) {
    // createOrder's own work: processOrder's subtree (below the consumer) does not count.
    const below = descendants(server, children, (s) => kind(s) === 'consumer');
    if (!below.some(isDbClient)) missing.push('createOrder Firestore CLIENT span (db.* tags)');
    if (!below.some(isGrpcClient)) missing.push('createOrder gRPC client span');
    const producer = below.find((s) => kind(s) === 'producer' && tagValue(s, 'messaging.system') === 'gcp_pubsub');
    if (!producer) missing.push('createOrder PRODUCER span (messaging.system=gcp_pubsub)');
    else {
      consumers = (children.get(producer.spanID) ?? []).filter((s) => kind(s) === 'consumer');
      // Redelivery may add consumers; the one that did the work is what we measure.
      consumer = consumers.find((s) => tagValue(s, 'orders.result') === 'processed') ?? consumers[consumers.length - 1];
      if (!consumer) missing.push('processOrder CONSUMER span (child of the PRODUCER span)');
    }
  }
  if (consumer) {
    const below = consumers.flatMap((c) => descendants(c, children));
    if (!below.some(isDbClient)) missing.push('processOrder Firestore CLIENT span (db.* tags)');
    if (!below.some(isGrpcClient)) missing.push('processOrder gRPC client span');
  }

  const result = consumer ? tagValue(consumer, 'orders.result') : undefined;
  const start = client ?? server;
  return {
    complete: missing.length === 0,
    missing,
    endToEndMs: start && consumer ? (consumer.startTime + consumer.duration - start.startTime) / 1000 : undefined,
    coldStarts: trace.spans.filter((span) => tagValue(span, 'faas.coldstart') === true).length,
    processResult: typeof result === 'string' ? result : undefined,
    spanTimes: trace.spans.map((span) => ({ service: trace.processes?.[span.processID]?.serviceName ?? '', name: span.operationName, ms: span.duration / 1000 })),
  };
}

function kind(span: JaegerSpanLike): unknown {
  return tagValue(span, 'span.kind');
}

function isDbClient(span: JaegerSpanLike): boolean {
  return kind(span) === 'client' && (span.tags ?? []).some((tag) => tag.key.startsWith('db.'));
}

function isGrpcClient(span: JaegerSpanLike): boolean {
  return kind(span) === 'client' && tagValue(span, 'rpc.system') === 'grpc';
}

/** Spans below `root`, not entering `stopAt` subtrees; a cycle cannot loop forever. */
function descendants(root: JaegerSpanLike, children: ReadonlyMap<string, JaegerSpanLike[]>, stopAt: (span: JaegerSpanLike) => boolean = () => false): JaegerSpanLike[] {
  const found: JaegerSpanLike[] = [];
  const seen = new Set<string>([root.spanID]);
  const queue = [...(children.get(root.spanID) ?? [])];
  while (queue.length > 0) {
    const span = queue.shift()!;
    if (seen.has(span.spanID) || stopAt(span)) continue;
    seen.add(span.spanID);
    found.push(span);
    queue.push(...(children.get(span.spanID) ?? []));
  }
  return found;
}

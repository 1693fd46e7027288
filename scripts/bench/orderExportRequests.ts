import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Attributes, Context, Tracer } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The OTLP/protobuf export requests one order produces, as the functions send them:
 * createOrder's flush (7 spans: server, create + Commit, send + Publish, mark_published
 * + Commit) and processOrder's (4 spans: consumer, mark_processed, BatchGetDocuments,
 * Commit), with the attributes a real trace of the pipeline carries. `orders` distinct
 * orders (fresh trace and span ids), so a store keeps every one.
 */
export function orderExportRequests(orders: number): Uint8Array[] {
  const requests: Uint8Array[] = [];
  for (const service of ['createOrder', 'processOrder'] as const) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'faas.name': service, 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.version': '2.12.0' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('traced-order-functions');
    // The scope @opentelemetry/instrumentation-grpc records its spans under.
    const grpcTracer = provider.getTracer('@opentelemetry/instrumentation-grpc', '0.223.0');
    for (let i = 0; i < orders; i++) {
      exporter.reset();
      if (service === 'createOrder') createOrderSpans(tracer, grpcTracer, i);
      else processOrderSpans(tracer, grpcTracer, i);
      requests[service === 'createOrder' ? 2 * i : 2 * i + 1] = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
    }
  }
  return requests;
}

const orderId = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function grpcCall(grpcTracer: Tracer, parent: Context, method: string, service: string, port: number): void {
  grpcTracer
    .startSpan(
      `grpc.${service}/${method}`,
      { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.method': method, 'rpc.service': service, 'server.address': '127.0.0.1', 'server.port': port, 'rpc.grpc.status_code': 0 } },
      parent,
    )
    .end();
}

function child(tracer: Tracer, parent: Context, name: string, kind: SpanKind, attributes: Attributes, inside: (ctx: Context) => void): void {
  const span = tracer.startSpan(name, { kind, attributes }, parent);
  inside(trace.setSpan(parent, span));
  span.end();
}

function db(operation: string, id: string): Attributes {
  return { 'db.system.name': 'gcp.firestore', 'db.namespace': '(default)', 'db.collection.name': 'orders', 'db.operation.name': operation, 'orders.order_id': id };
}

function createOrderSpans(tracer: Tracer, grpcTracer: Tracer, i: number): void {
  const id = orderId(i);
  const server = tracer.startSpan('POST /', {
    kind: SpanKind.SERVER,
    attributes: {
      'faas.trigger': 'http',
      'faas.invocation.id': `inv-${i}`,
      'http.request.method': 'POST',
      'http.route': '/',
      'url.path': '/',
      'url.scheme': 'http',
      'user_agent.original': 'node',
      'faas.coldstart': false,
      'http.request.body.size': 96,
      'orders.idempotency.keyed': false,
    },
  });
  const ctx = trace.setSpan(ROOT_CONTEXT, server);
  child(tracer, ctx, 'create orders', SpanKind.CLIENT, db('create', id), (c) => grpcCall(grpcTracer, c, 'Commit', 'google.firestore.v1.Firestore', 8086));
  child(
    tracer,
    ctx,
    'send orders',
    SpanKind.PRODUCER,
    { 'messaging.system': 'gcp_pubsub', 'messaging.operation.type': 'send', 'messaging.operation.name': 'send', 'messaging.destination.name': 'orders', 'messaging.message.body.size': 180, 'orders.order_id': id, 'messaging.message.id': String(i) },
    (c) => grpcCall(grpcTracer, c, 'Publish', 'google.pubsub.v1.Publisher', 8085),
  );
  child(tracer, ctx, 'mark_published orders', SpanKind.CLIENT, db('update', id), (c) => grpcCall(grpcTracer, c, 'Commit', 'google.firestore.v1.Firestore', 8086));
  server.setAttributes({ 'orders.order_id': id, 'orders.idempotency.outcome': 'created', 'http.response.status_code': 202 });
  server.end();
}

function processOrderSpans(tracer: Tracer, grpcTracer: Tracer, i: number): void {
  const id = orderId(i);
  const consumer = tracer.startSpan('process orders', {
    kind: SpanKind.CONSUMER,
    attributes: {
      'faas.trigger': 'pubsub',
      'faas.invocation.id': `ev-${i}`,
      'cloudevents.event_id': `ev-${i}`,
      'cloudevents.event_type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'cloudevents.event_source': '//pubsub.googleapis.com/projects/demo-orders/topics/orders',
      'messaging.system': 'gcp_pubsub',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'orders',
      'messaging.destination.subscription.name': 'projects/demo-orders/subscriptions/orders-push',
      'messaging.message.id': String(i),
      'messaging.message.body.size': 180,
      'orders.queue_delay_ms': 3,
      'orders.parent_from_message': true,
      'faas.coldstart': false,
    },
  });
  const ctx = trace.setSpan(ROOT_CONTEXT, consumer);
  child(tracer, ctx, 'mark_processed orders', SpanKind.CLIENT, db('update', id), (c) => {
    grpcCall(grpcTracer, c, 'BatchGetDocuments', 'google.firestore.v1.Firestore', 8086);
    grpcCall(grpcTracer, c, 'Commit', 'google.firestore.v1.Firestore', 8086);
  });
  consumer.setAttributes({ 'orders.order_id': id, 'orders.result': 'processed' });
  consumer.end();
}

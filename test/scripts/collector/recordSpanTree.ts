import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface SpanTree {
  readonly traceId: string;
  readonly rootSpanId: string; // checkout: POST /orders (server)
  readonly producerSpanId: string; // checkout: orders publish (producer), child of root
  readonly consumerSpanId: string; // processor: orders process (consumer), child of producer, links to tick
  readonly tickTraceId: string; // processor: batch tick, a root in its own trace
  readonly tickSpanId: string;
  readonly baseMillis: number; // root span start
}

/**
 * Records a small two-service trace with the real SDK and hands each service's
 * spans to its own exporter; providers are shut down (flushed) on return.
 * Times are whole milliseconds so the expected µs values are exact.
 */
export async function recordSpanTree(checkoutExporter: SpanExporter, processorExporter: SpanExporter, baseMillis = Date.now() - 60_000): Promise<SpanTree> {
  const checkout = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment.name': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(checkoutExporter)],
  });
  const processor = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'processor' }),
    spanProcessors: [new SimpleSpanProcessor(processorExporter)],
  });
  const at = (offset: number): Date => new Date(baseMillis + offset);
  const checkoutTracer = checkout.getTracer('checkout-lib', '1.2.3');
  const processorTracer = processor.getTracer('processor-lib');

  const root = checkoutTracer.startSpan('POST /orders', {
    kind: SpanKind.SERVER,
    startTime: at(0),
    attributes: { 'http.request.method': 'POST', 'order.items': 3, 'order.total': 12.5, 'order.express': true, 'order.tags': ['a', 'b'] },
  });
  const producer = checkoutTracer.startSpan('orders publish', { kind: SpanKind.PRODUCER, startTime: at(10) }, trace.setSpan(ROOT_CONTEXT, root));
  producer.end(at(20));

  const tick = processorTracer.startSpan('batch tick', { startTime: at(5) }, ROOT_CONTEXT);
  tick.end(at(6));
  const consumer = processorTracer.startSpan(
    'orders process',
    { kind: SpanKind.CONSUMER, startTime: at(30), links: [{ context: tick.spanContext(), attributes: { reason: 'batched' } }] },
    trace.setSpanContext(ROOT_CONTEXT, { ...producer.spanContext(), isRemote: true }),
  );
  consumer.addEvent('retrying', { attempt: 2 }, at(35));
  consumer.setStatus({ code: SpanStatusCode.ERROR, message: 'out of stock' });
  consumer.end(at(45));
  root.end(at(50));

  await Promise.all([checkout.shutdown(), processor.shutdown()]);
  return {
    traceId: root.spanContext().traceId,
    rootSpanId: root.spanContext().spanId,
    producerSpanId: producer.spanContext().spanId,
    consumerSpanId: consumer.spanContext().spanId,
    tickTraceId: tick.spanContext().traceId,
    tickSpanId: tick.spanContext().spanId,
    baseMillis,
  };
}

import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { boundedId } from '../shared/boundedId';
import { PoisonMessageError } from '../shared/errors';
import { processOrderMessage } from '../shared/orders/processOrderMessage';
import type { MessagePublishedData } from 'cloud-functions-otel-tracing';
import type { Dependencies } from './dependencies';

/**
 * CloudEvent function (Pub/Sub trigger): marks the order processed. Returning
 * acknowledges; throwing makes Pub/Sub retry, so only failures a retry can fix are
 * rethrown. The tracing library (registered in index.ts) makes the consumer span.
 */
export function processOrderHandler(deps: Dependencies): CloudEventFunction<MessagePublishedData> {
  return async (event) => {
    const message = event.data?.message ?? {};
    // Chosen by whoever sent the request: bounded before it reaches a log line or the store.
    const messageId = boundedId(message.messageId ?? event.id);
    const span = trace.getActiveSpan();
    try {
      const { orderId, result } = await processOrderMessage(message.data, messageId, deps);
      span?.setAttributes({ 'orders.order_id': orderId, 'orders.result': result });
      deps.log.info(result === 'processed' ? 'order processed' : 'order already processed; nothing changed', { orderId, messageId });
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) {
        // Thrown: the push is answered 500 and Pub/Sub redelivers (with backoff, until the
        // dead-letter policy's last attempt). One structured line per failed attempt.
        deps.log.warn('message not processed; Pub/Sub will redeliver it', { messageId, error });
        throw error;
      }
      // Acknowledged, not retried: no retry can fix it. Recorded on the span and in the log.
      span?.addEvent('message acknowledged as unprocessable', { 'exception.message': error.message });
      span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span?.setAttribute('orders.result', 'rejected');
      deps.log.error('message rejected and acknowledged', { messageId, reason: error.message });
    }
  };
}

import { setTimeout as delay } from 'node:timers/promises';

export interface SentOrders {
  /** 202: accepted; these must all end processed. */
  readonly accepted: string[];
  /** 503 naming an order (stored, or maybe stored): kept for the sweeper, expected processed when stored. */
  readonly kept: string[];
  /** Anything else: no order id, nothing promised. */
  readonly refused: number;
}

const ORDER = JSON.stringify({ customerId: 'c-fault', items: [{ sku: 'sku-1', quantity: 1, unitPrice: 9.5 }], currency: 'EUR' });

/**
 * Posts orders to createOrder at a fixed rate for `durationMs`, each with its own
 * timeout, and sorts the answers: what was promised (202) and what was kept (503 with
 * an orderId). An open loop: a slow answer does not slow the arrivals, as in production.
 */
export async function sendOrdersAtRate(url: string, ratePerSecond: number, durationMs: number, timeoutMs = 15_000): Promise<SentOrders> {
  const result = { accepted: [] as string[], kept: [] as string[], refused: 0 };
  const inFlight: Promise<void>[] = [];
  const started = Date.now();
  for (let n = 0; Date.now() - started < durationMs; n++) {
    inFlight.push(
      (async () => {
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ORDER, signal: AbortSignal.timeout(timeoutMs) });
          const body = (await res.json().catch(() => ({}))) as { orderId?: unknown };
          const orderId = typeof body.orderId === 'string' ? body.orderId : undefined;
          if (res.status === 202 && orderId) result.accepted.push(orderId);
          else if (orderId) result.kept.push(orderId);
          else result.refused++;
        } catch {
          result.refused++;
        }
      })(),
    );
    const next = started + ((n + 1) * 1000) / ratePerSecond;
    await delay(Math.max(0, next - Date.now()));
  }
  await Promise.all(inFlight);
  return result;
}

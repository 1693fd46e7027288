import type { TraceCheck } from './checkTrace';
import { checkTrace } from './checkTrace';
import type { JaegerTraceLike } from './jaegerTrace';

export interface OrderToVerify {
  readonly orderId: string;
  readonly traceId: string;
  /** The load generator's CLIENT span; undefined when it sent no trace headers. */
  readonly clientSpanId: string | undefined;
}

export interface OrderVerification {
  readonly orderId: string;
  readonly traceId: string;
  readonly check: TraceCheck;
  /** Reached `processed` (from Firestore, or from processOrder's span tag). */
  readonly processed: boolean;
}

export type TraceLookup = { readonly trace: JaegerTraceLike | undefined } | { readonly error: string };

export interface VerifyDeps {
  readonly fetchTrace: (traceId: string) => Promise<TraceLookup>;
  /** Order statuses by id; undefined = no Firestore access, infer from the trace. */
  readonly readStatuses: ((orderIds: readonly string[]) => Promise<ReadonlyMap<string, string | undefined>>) | undefined;
  readonly onRound?: (done: number, total: number) => void;
}

export interface VerifyOptions {
  /** Keep polling the unfinished ones this long. */
  readonly waitMs: number;
  readonly pollMs?: number;
  /** Trace look-ups in flight at once. */
  readonly concurrency?: number;
}

/**
 * Polls until every order's trace is complete and the order processed, or the wait
 * is over (at least one round always runs). Never throws for a failed look-up: it
 * becomes the reason the order is incomplete.
 */
export async function verifyOrders(orders: readonly OrderToVerify[], deps: VerifyDeps, options: VerifyOptions): Promise<OrderVerification[]> {
  const pollMs = options.pollMs ?? 500;
  const deadline = Date.now() + options.waitMs;
  const maxRounds = Math.ceil(options.waitMs / pollMs) + 1;
  const latest = new Map<string, OrderVerification>();
  let pending = [...orders];
  for (let round = 0; round < maxRounds && pending.length > 0; round++) {
    if (round > 0) {
      const wait = Math.min(pollMs, deadline - Date.now());
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    let statuses: ReadonlyMap<string, string | undefined> | undefined;
    let statusError: string | undefined;
    if (deps.readStatuses) {
      try {
        statuses = await deps.readStatuses(pending.map((o) => o.orderId));
      } catch (err) {
        statusError = (err as Error).message;
      }
    }
    const checks = await mapLimited(pending, options.concurrency ?? 16, async (order) => {
      const lookup = await deps.fetchTrace(order.traceId);
      const check: TraceCheck =
        'error' in lookup
          ? { complete: false, missing: [`trace query failed: ${lookup.error}`], endToEndMs: undefined, processResult: undefined }
          : checkTrace(lookup.trace, order);
      const processed = deps.readStatuses
        ? statuses?.get(order.orderId) === 'processed'
        : check.processResult === 'processed' || check.processResult === 'already-processed';
      const missing = processed ? check.missing : [...check.missing, notProcessed(statuses?.get(order.orderId), statusError, Boolean(deps.readStatuses))];
      return { orderId: order.orderId, traceId: order.traceId, check: { ...check, missing }, processed };
    });
    for (const v of checks) latest.set(v.orderId, v);
    pending = pending.filter((o) => {
      const v = latest.get(o.orderId);
      return !(v && v.processed && v.check.complete);
    });
    deps.onRound?.(orders.length - pending.length, orders.length);
  }
  return orders.map((o) => latest.get(o.orderId)!);
}

function notProcessed(status: string | undefined, error: string | undefined, firestore: boolean): string {
  if (!firestore) return 'order not processed (no processOrder span with orders.result=processed)';
  if (error) return `order status unknown: ${error}`;
  return status === undefined ? 'order document not found in Firestore' : `order status is "${status}", not "processed"`;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

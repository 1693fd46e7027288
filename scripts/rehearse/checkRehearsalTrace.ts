import type { JaegerSpanLike, JaegerTraceLike } from '../load/jaegerTrace';
import { parentOf } from '../load/jaegerTrace';

/**
 * What the rehearsal adds to checkTrace (which finds spans by kind and tags): both
 * services exported, and processOrder's `process orders` is a child of createOrder's
 * `send orders`, i.e. the trace crossed Pub/Sub. Returns the problems; none = good.
 */
export function checkRehearsalTrace(trace: JaegerTraceLike | undefined, services: readonly string[]): string[] {
  if (!trace) return ['trace not found'];
  const serviceOf = (span: JaegerSpanLike): string | undefined => trace.processes?.[span.processID]?.serviceName;
  const problems: string[] = [];
  for (const service of services) {
    if (!trace.spans.some((s) => serviceOf(s) === service)) problems.push(`no span from ${service}`);
  }
  const send = trace.spans.filter((s) => s.operationName === 'send orders');
  const process = trace.spans.filter((s) => s.operationName === 'process orders');
  if (send.length === 0) problems.push('no "send orders" span');
  if (process.length === 0) problems.push('no "process orders" span');
  const sendIds = new Set(send.map((s) => s.spanID));
  if (send.length > 0 && process.length > 0 && !process.some((p) => sendIds.has(parentOf(p) ?? ''))) {
    problems.push('"process orders" is not a child of "send orders"');
  }
  return problems;
}

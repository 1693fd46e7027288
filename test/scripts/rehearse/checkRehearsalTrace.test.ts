import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JaegerSpanLike, JaegerTraceLike } from '../../../scripts/load/jaegerTrace';
import { checkRehearsalTrace } from '../../../scripts/rehearse/checkRehearsalTrace';

const span = (spanID: string, operationName: string, processID: string, parent?: string): JaegerSpanLike => ({
  traceID: 't',
  spanID,
  operationName,
  processID,
  startTime: 0,
  duration: 1,
  references: parent ? [{ refType: 'CHILD_OF', spanID: parent }] : [],
});
const PROCESSES = { p1: { serviceName: 'createOrder' }, p2: { serviceName: 'processOrder' } };
const SERVICES = ['createOrder', 'processOrder'];
const GOOD: JaegerTraceLike = {
  traceID: 't',
  processes: PROCESSES,
  spans: [span('a', 'POST /', 'p1'), span('b', 'send orders', 'p1', 'a'), span('c', 'process orders', 'p2', 'b')],
};

void describe('checkRehearsalTrace', () => {
  const CASES: readonly [string, JaegerTraceLike | undefined, string[]][] = [
    ['a trace that crossed Pub/Sub', GOOD, []],
    ['no trace', undefined, ['trace not found']],
    ['processOrder missing', { ...GOOD, spans: GOOD.spans.slice(0, 2) }, ['no span from processOrder', 'no "process orders" span']],
    ['process orders under the wrong parent', { ...GOOD, spans: [...GOOD.spans.slice(0, 2), span('c', 'process orders', 'p2', 'a')] }, ['"process orders" is not a child of "send orders"']],
    ['no send orders span', { ...GOOD, spans: [GOOD.spans[0]!, span('c', 'process orders', 'p2', 'a')] }, ['no "send orders" span']],
  ];
  for (const [name, trace, problems] of CASES) {
    void it(name, () => assert.deepEqual(checkRehearsalTrace(trace, SERVICES), problems));
  }
});

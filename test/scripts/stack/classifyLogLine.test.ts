import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLogLine } from '../../../scripts/stack/classifyLogLine';
import type { LogLineClass } from '../../../scripts/stack/classifyLogLine';

const CASES: readonly [string, string, LogLineClass][] = [
  ['routine INFO is counted by message', '[createOrder] {"severity":"INFO","message":"order accepted","orderId":"o-1"}', { show: 'count', source: 'createOrder', key: 'order accepted' }],
  ['no severity is counted too', '[processOrder] {"message":"order processed"}', { show: 'count', source: 'processOrder', key: 'order processed' }],
  ['WARNING is shown in full', '[processOrder] {"severity":"WARNING","message":"message not processed; Pub/Sub will redeliver it"}', { show: 'full', source: 'processOrder' }],
  ['ERROR is shown in full', '[createOrder] {"severity":"ERROR","message":"boom"}', { show: 'full', source: 'createOrder' }],
  ['lower-case error too', '[createOrder] {"severity":"error","message":"boom"}', { show: 'full', source: 'createOrder' }],
  ['a stack trace line (not JSON) is shown', '[createOrder]     at Object.<anonymous> (/x.js:1:1)', { show: 'full', source: 'createOrder' }],
  ['JSON that is not an object is shown', '[createOrder] [1,2]', { show: 'full', source: 'createOrder' }],
  ['a deprecation notice is counted once', '[createOrder] (node:123) [DEP_GCP_OTEL_TRACE_PROPAGATOR] DeprecationWarning: deprecated', { show: 'count', source: 'createOrder', key: 'deprecation notice' }],
  ['its hint line goes to the file', '[createOrder] (Use `node --trace-deprecation ...` to show where the warning was created)', { show: 'file', source: 'createOrder' }],
  ['framework start-up goes to the file', '[processOrder] Serving function...', { show: 'file', source: 'processOrder' }],
  ['framework URL line goes to the file', '[processOrder] URL: http://localhost:8081/', { show: 'file', source: 'processOrder' }],
  ['the stack\'s own lines are shown', '[stack] createOrder started as pid 1 on port 8080', { show: 'full', source: 'stack' }],
  ['the emulator\'s lines are shown', '[pubsub] push delivery failed', { show: 'full', source: 'pubsub' }],
  ['an unprefixed line is the stack\'s', 'something', { show: 'full', source: 'stack' }],
  [
    "the sweeper's pass line is counted as one kind, whatever its figures",
    '[sweepOrders] {"severity":"INFO","message":"sweep pass: unpublished: found 0, republished 0, recorded 0, failed 0; dead letters: pulled 0","dryRun":false}',
    { show: 'count', source: 'sweepOrders', key: 'sweep pass' },
  ],
  ['a sweep pass that left work is an ERROR, shown', '[sweepOrders] {"severity":"ERROR","message":"sweep pass left work for the next one: stuck: failed 1"}', { show: 'full', source: 'sweepOrders' }],
  ["Google's Pub/Sub emulator INFO is counted by kind", "[pubsub] INFO: Failed to push to endpoint 'http://127.0.0.1:8081/projects/p/topics/t': Connection refused", { show: 'count', source: 'pubsub', key: 'Failed to push to endpoint' }],
  ["Google's emulator INFO with figures", '[pubsub] INFO: Server started, listening on 8085', { show: 'count', source: 'pubsub', key: 'Server started, listening on' }],
  ["Google's Firestore emulator INFO too", '[firestore] INFO: Detected HTTP/2 connection.', { show: 'count', source: 'firestore', key: 'Detected HTTP/2 connection.' }],
  ['an emulator WARNING stays in full', '[pubsub] WARNING: Subscription not found', { show: 'full', source: 'pubsub' }],
  ['an emulator SEVERE stays in full', '[firestore] SEVERE: exception thrown', { show: 'full', source: 'firestore' }],
];

void describe('classifyLogLine', () => {
  for (const [name, line, want] of CASES) {
    void it(name, () => assert.deepEqual(classifyLogLine(line), want));
  }
});

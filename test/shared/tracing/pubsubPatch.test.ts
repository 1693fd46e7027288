import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PUBSUB, PUBSUB_VERSIONS, isPubSubPatched, patchPubSub, unpatchPubSub, withTraceContext } from 'cloud-functions-otel-tracing/internal/pubsubPatch';
import { supportedVersion } from 'cloud-functions-otel-tracing/internal/supportedVersion';

const SPAN = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
const ACTIVE = trace.setSpanContext(ROOT_CONTEXT, SPAN);
const TRACEPARENT = `00-${SPAN.traceId}-${SPAN.spanId}-01`;

const cases: ReadonlyArray<{ name: string; message: unknown; ctx: typeof ACTIVE; expected: unknown }> = [
  { name: 'adds traceparent to a message without attributes', message: { data: 'x' }, ctx: ACTIVE, expected: { data: 'x', attributes: { traceparent: TRACEPARENT } } },
  { name: "keeps the message's own attributes", message: { json: { a: 1 }, attributes: { k: 'v' } }, ctx: ACTIVE, expected: { json: { a: 1 }, attributes: { k: 'v', traceparent: TRACEPARENT } } },
  { name: 'keeps a traceparent the function put there itself', message: { attributes: { traceparent: 'mine' } }, ctx: ACTIVE, expected: { attributes: { traceparent: 'mine' } } },
  { name: "keeps the Pub/Sub library's own context", message: { attributes: { googclient_traceparent: 'lib' } }, ctx: ACTIVE, expected: { attributes: { googclient_traceparent: 'lib' } } },
  { name: 'adds nothing outside a span', message: { data: 'x' }, ctx: ROOT_CONTEXT, expected: { data: 'x' } },
  { name: 'leaves a non-message to the library to refuse', message: 'not a message', ctx: ACTIVE, expected: 'not a message' },
  { name: 'leaves malformed attributes to the library to refuse', message: { attributes: 'bad' }, ctx: ACTIVE, expected: { attributes: 'bad' } },
];

for (const { name, message, ctx, expected } of cases) {
  test(`withTraceContext ${name}, never changing the message passed in`, () => {
    const before = structuredClone(message);
    assert.deepEqual(withTraceContext(message, ctx), expected);
    assert.deepEqual(message, before);
  });
}

test('the installed @google-cloud/pubsub is a version the patch was written for (widen PUBSUB_VERSIONS only after checking the patch on the new one)', () => {
  const manifest = Module.findPackageJSON(PUBSUB, __filename);
  assert.ok(manifest);
  const check = supportedVersion(manifest, PUBSUB_VERSIONS);
  assert.ok(check.supported, check.supported ? '' : check.reason);
});

test("the patch takes on the installed @google-cloud/pubsub: a topic's publish goes through it, with the active context", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the zero-code hook patches, as it loads it
  const pubsub = require(PUBSUB) as typeof import('@google-cloud/pubsub');
  assert.equal(isPubSubPatched(pubsub), false);
  assert.equal(patchPubSub(pubsub), true);
  try {
    assert.equal(isPubSubPatched(pubsub), true);
    // The publisher behind the topic receives the message: no server needed to see what it was given.
    const topic = new pubsub.PubSub({ projectId: 'demo-patch', universeDomain: 'googleapis.com' }).topic('t');
    const given: unknown[] = [];
    (topic as unknown as { publisher: { publishMessage(m: unknown, cb?: (e: null, id: string) => void): Promise<string> } }).publisher.publishMessage = (m, cb) => {
      given.push(m);
      cb?.(null, 'id-1');
      return Promise.resolve('id-1');
    };
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    await context.with(ACTIVE, () => topic.publishMessage({ data: Buffer.from('x') }));
    await topic.publish(Buffer.from('y'), { k: 'v' });
    assert.deepEqual(
      given.map((m) => (m as { attributes?: unknown }).attributes),
      [{ traceparent: TRACEPARENT }, { k: 'v' }],
    );
  } finally {
    unpatchPubSub(pubsub);
  }
  assert.equal(isPubSubPatched(pubsub), false);
  assert.equal(patchPubSub({ Topic: {} }), false, 'a module without Topic.prototype.publishMessage is reported, not half-patched');
});

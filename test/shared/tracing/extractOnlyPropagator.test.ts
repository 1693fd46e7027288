import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT_CONTEXT, createContextKey, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import type { Context, TextMapPropagator } from '@opentelemetry/api';
import { ExtractOnlyPropagator } from '../../../shared/tracing/extractOnlyPropagator';

const SEEN = createContextKey('seen');

/** Writes and reads one header, recording what it read in the context. */
const inner: TextMapPropagator = {
  inject: (_context, carrier, setter) => setter.set(carrier, 'x-legacy', 'written'),
  extract: (context: Context, carrier, getter) => context.setValue(SEEN, getter.get(carrier, 'x-legacy')),
  fields: () => ['x-legacy'],
};

test('never writes its header', () => {
  const carrier: Record<string, string> = {};
  new ExtractOnlyPropagator(inner).inject(ROOT_CONTEXT, carrier, defaultTextMapSetter);
  assert.deepEqual(carrier, {});
  assert.deepEqual(new ExtractOnlyPropagator(inner).fields(), []);
});

test("reads exactly what the wrapped propagator reads", () => {
  const context = new ExtractOnlyPropagator(inner).extract(ROOT_CONTEXT, { 'x-legacy': 'sent by a caller' }, defaultTextMapGetter);
  assert.equal(context.getValue(SEEN), 'sent by a caller');
});

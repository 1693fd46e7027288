/**
 * The incubating names pinned in shared/tracing/semconv.ts still mean what the installed
 * @opentelemetry/semantic-conventions says: an upgrade that renames one fails here, and
 * the local copy is then updated on purpose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import * as local from 'cloud-functions-otel-tracing/internal/semconv';

// Google's own attribute, not (yet) a semantic convention.
const NOT_IN_SEMCONV = new Set(['ATTR_GCP_PROJECT_ID']);

for (const [name, value] of Object.entries(local)) {
  if (NOT_IN_SEMCONV.has(name)) continue;
  test(`${name} = ${value} as in @opentelemetry/semantic-conventions/incubating`, () => {
    assert.equal((incubating as Record<string, unknown>)[name], value);
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionTarget } from 'cloud-functions-otel-tracing/internal/functionTarget';

// Read as functions-framework reads them: the flag, then the variable, then the default.
const cases: ReadonlyArray<{ argv: string[]; env: NodeJS.ProcessEnv; target: string; signatureType: string }> = [
  { argv: [], env: {}, target: 'function', signatureType: 'http' },
  { argv: [], env: { FUNCTION_TARGET: 'fromEnv', FUNCTION_SIGNATURE_TYPE: 'cloudevent' }, target: 'fromEnv', signatureType: 'cloudevent' },
  { argv: ['--target=fromFlag', '--signature-type=event'], env: { FUNCTION_TARGET: 'fromEnv', FUNCTION_SIGNATURE_TYPE: 'cloudevent' }, target: 'fromFlag', signatureType: 'event' },
  { argv: ['--port', '8080', '--target', 'spaced', '--source=.'], env: {}, target: 'spaced', signatureType: 'http' },
  { argv: ['--signature-type=nonsense'], env: {}, target: 'function', signatureType: 'http' },
];

for (const { argv, env, target, signatureType } of cases) {
  test(`functionTarget(${JSON.stringify(argv)}, ${JSON.stringify(env)}) is ${target} / ${signatureType}`, () => {
    assert.deepEqual(functionTarget(argv, env), { target, signatureType });
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS_FRAMEWORK, FUNCTIONS_FRAMEWORK_VERSIONS, isFunctionModuleLoad, traceExportedFunction } from 'cloud-functions-otel-tracing/internal/functionsFrameworkPatch';
import type { FunctionTarget } from 'cloud-functions-otel-tracing/internal/functionTarget';
import { supportedVersion } from 'cloud-functions-otel-tracing/internal/supportedVersion';

/** A registry that records what was registered (the real one is exercised by traceUnmodifiedFunctions.test.ts). */
function recordingRegistry(declared: Record<string, unknown> = {}) {
  const registered: [string, string, unknown][] = [];
  return {
    registered,
    http: (name: string, handler: unknown) => void registered.push(['http', name, handler]),
    cloudEvent: (name: string, handler: unknown) => void registered.push(['cloudEvent', name, handler]),
    getFunction: (name: string) => declared[name],
  };
}

const fn = (): void => undefined;
const cases: ReadonlyArray<{ name: string; exports: unknown; target: FunctionTarget; declared?: Record<string, unknown>; outcome: string; registered: [string, string, unknown][] }> = [
  { name: 'an http export is registered as http', exports: { hello: fn }, target: { target: 'hello', signatureType: 'http' }, outcome: 'traced', registered: [['http', 'hello', fn]] },
  { name: 'a cloudevent export is registered as cloudEvent', exports: { onEvent: fn }, target: { target: 'onEvent', signatureType: 'cloudevent' }, outcome: 'traced', registered: [['cloudEvent', 'onEvent', fn]] },
  { name: 'a dotted target is followed as functions-framework does', exports: { api: { v1: fn } }, target: { target: 'api.v1', signatureType: 'http' }, outcome: 'traced', registered: [['http', 'api.v1', fn]] },
  { name: 'a declared function wins and is left alone', exports: { hello: fn }, target: { target: 'hello', signatureType: 'http' }, declared: { hello: fn }, outcome: 'declared', registered: [] },
  { name: 'a missing export is left for functions-framework to report', exports: {}, target: { target: 'hello', signatureType: 'http' }, outcome: 'not-a-function', registered: [] },
  { name: 'a non-function export is left for functions-framework to report', exports: { hello: 42 }, target: { target: 'hello', signatureType: 'http' }, outcome: 'not-a-function', registered: [] },
  { name: 'a background (event) function is left untraced', exports: { bg: fn }, target: { target: 'bg', signatureType: 'event' }, outcome: 'legacy-event-signature', registered: [] },
];

for (const c of cases) {
  test(`traceExportedFunction: ${c.name}`, () => {
    const registry = recordingRegistry(c.declared);
    assert.equal(traceExportedFunction(c.exports, c.target, registry), c.outcome);
    assert.deepEqual(registry.registered, c.registered);
  });
}

const ROOT = '/app/node_modules/@google-cloud/functions-framework';
const LOADER = pathToFileURL(path.join(ROOT, 'build/src/loader.js')).href;
const loads: ReadonlyArray<{ specifier: string; parent: string | undefined; expected: boolean }> = [
  { specifier: '/app/index.js', parent: LOADER, expected: true },
  { specifier: 'file:///app/index.mjs', parent: LOADER, expected: true },
  { specifier: './function_registry', parent: LOADER, expected: false },
  { specifier: path.join(ROOT, 'build/src/server.js'), parent: LOADER, expected: false },
  { specifier: '/app/index.js', parent: 'file:///app/other.js', expected: false },
  { specifier: '/app/index.js', parent: undefined, expected: false },
];
for (const { specifier, parent, expected } of loads) {
  test(`isFunctionModuleLoad(${specifier} from ${parent ?? 'the command line'}) is ${expected}`, () => {
    assert.equal(isFunctionModuleLoad(specifier, parent, ROOT), expected);
  });
}

test('the installed functions-framework is a version zero-code mode was written for (widen the range only after checking it on the new one)', () => {
  const manifest = Module.findPackageJSON(FUNCTIONS_FRAMEWORK, __filename);
  assert.ok(manifest);
  const check = supportedVersion(manifest, FUNCTIONS_FRAMEWORK_VERSIONS);
  assert.ok(check.supported, check.supported ? '' : check.reason);
});

test("the traced stand-in exports what the installed functions-framework exports at run time, so a function's imports all resolve", () => {
  process.env.OTEL_SDK_DISABLED = 'true';
  /* eslint-disable @typescript-eslint/no-require-imports -- compared as the function's require() sees them */
  const real = Object.keys(require(FUNCTIONS_FRAMEWORK) as object).sort();
  const traced = Object.keys(require('cloud-functions-otel-tracing/internal/tracedFunctionsFramework') as object).sort();
  /* eslint-enable @typescript-eslint/no-require-imports */
  assert.deepEqual(traced, real);
});

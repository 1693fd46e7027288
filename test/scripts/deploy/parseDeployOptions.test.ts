import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeployOptionsError, parseDeployOptions } from '../../../scripts/deploy/parseDeployOptions';

const REQUIRED = ['--project', 'my-orders-123', '--region', 'europe-west1'];

test('defaults: OTLP to the Telemetry API, every trace recorded, topic orders, private, not a dry run', () => {
  assert.deepEqual(
    { ...parseDeployOptions(REQUIRED) },
    {
      project: 'my-orders-123',
      region: 'europe-west1',
      ordersTopic: 'orders',
      exporter: 'gcp_otlp',
      sampleRatio: 1,
      flushTimeoutMs: 3000,
      instanceBasedBilling: false,
      allowUnauthenticated: false,
      dryRun: false,
      undo: false,
      deleteDatabase: false,
      help: false,
    },
  );
});

const cases: { name: string; argv: string[]; expect: Partial<ReturnType<typeof parseDeployOptions>> }[] = [
  { name: 'dry run', argv: ['--dry-run'], expect: { dryRun: true } },
  { name: 'public createOrder', argv: ['--allow-unauthenticated'], expect: { allowUnauthenticated: true } },
  { name: 'the Cloud Trace exporter', argv: ['--exporter', 'gcp'], expect: { exporter: 'gcp' } },
  { name: 'OTLP to the Telemetry API', argv: ['--exporter', 'gcp_otlp'], expect: { exporter: 'gcp_otlp' } },
  { name: 'sample ratio', argv: ['--sample-ratio=0.25'], expect: { sampleRatio: 0.25 } },
  { name: 'sample ratio 0 (only sampled callers are recorded)', argv: ['--sample-ratio', '0'], expect: { sampleRatio: 0 } },
  { name: 'sample ratio .5', argv: ['--sample-ratio', '.5'], expect: { sampleRatio: 0.5 } },
  { name: 'topic', argv: ['--topic', 'orders-v2'], expect: { ordersTopic: 'orders-v2' } },
  { name: 'instance-based billing', argv: ['--instance-based-billing'], expect: { instanceBasedBilling: true } },
  { name: 'undo', argv: ['--undo'], expect: { undo: true, deleteDatabase: false } },
  { name: 'undo with the database', argv: ['--undo', '--delete-database'], expect: { undo: true, deleteDatabase: true } },
  { name: 'a longer region name', argv: ['--region', 'northamerica-northeast1'], expect: { region: 'northamerica-northeast1' } },
];
for (const c of cases) {
  test(`flags: ${c.name}`, () => {
    const options = parseDeployOptions([...REQUIRED, ...c.argv]);
    for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(options[key as keyof typeof options], value, key);
  });
}

test('--help needs no other flag and ignores bad ones', () => {
  assert.equal(parseDeployOptions(['--help']).help, true);
  assert.equal(parseDeployOptions(['-h', '--exporter', 'jaeger']).help, true);
});

const errors: { name: string; argv: string[]; message: RegExp }[] = [
  { name: 'no project', argv: ['--region', 'europe-west1'], message: /--project is required/ },
  { name: 'no region', argv: ['--project', 'my-orders-123'], message: /--region is required/ },
  { name: 'project id with upper case', argv: ['--project', 'My-Orders', '--region', 'europe-west1'], message: /--project "My-Orders"/ },
  { name: 'project id too short', argv: ['--project', 'abc', '--region', 'europe-west1'], message: /--project "abc"/ },
  { name: 'domain-scoped project', argv: ['--project', 'example.com:orders', '--region', 'europe-west1'], message: /--project/ },
  { name: 'region', argv: ['--project', 'my-orders-123', '--region', 'europe'], message: /--region "europe"/ },
  { name: 'exporter', argv: [...REQUIRED, '--exporter', 'otlp'], message: /--exporter "otlp" is not gcp_otlp or gcp/ },
  { name: 'ratio above 1', argv: [...REQUIRED, '--sample-ratio', '1.5'], message: /--sample-ratio "1.5"/ },
  { name: 'ratio negative', argv: [...REQUIRED, '--sample-ratio=-0.1'], message: /--sample-ratio "-0.1"/ },
  { name: 'ratio not a number', argv: [...REQUIRED, '--sample-ratio', 'half'], message: /--sample-ratio "half"/ },
  { name: 'ratio in exponent form', argv: [...REQUIRED, '--sample-ratio', '1e-1'], message: /--sample-ratio/ },
  { name: 'topic with a slash', argv: [...REQUIRED, '--topic', 'projects/x/topics/orders'], message: /--topic/ },
  { name: 'topic starting with goog', argv: [...REQUIRED, '--topic', 'google-orders'], message: /--topic "google-orders"/ },
  { name: 'database without undo', argv: [...REQUIRED, '--delete-database'], message: /--delete-database only goes with --undo/ },
  { name: 'unknown flag', argv: [...REQUIRED, '--yes'], message: /--yes/ },
  { name: 'positional argument', argv: [...REQUIRED, 'now'], message: /now/ },
  { name: 'flag without its value', argv: ['--region', 'europe-west1', '--project'], message: /--project/ },
];
for (const c of errors) {
  test(`usage error: ${c.name}`, () => {
    assert.throws(
      () => parseDeployOptions(c.argv),
      (err: unknown) => err instanceof DeployOptionsError && c.message.test(err.message),
    );
  });
}

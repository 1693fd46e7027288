import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { functionDeployments } from '../../../scripts/deploy/functionDeployments';
import type { FunctionDeployment } from '../../../scripts/deploy/functionDeployments';
import { REHEARSAL_SETTINGS, describeOverrides, rehearsalBaseEnv } from '../../../scripts/rehearse/rehearsalEnv';
import { FREE_PORT_ARGS, parseStackOptions } from '../../../scripts/stack/parseStackOptions';
import type { StackUrls } from '../../../scripts/stack/formatBanner';
import { functionEnv } from '../../../scripts/stack/startStack';

const URLS: StackUrls = {
  createOrder: 'http://127.0.0.1:1/',
  processOrder: 'http://127.0.0.1:2/',
  pubsub: '127.0.0.1:3',
  firestore: '127.0.0.1:4',
  otlpGrpc: 'http://127.0.0.1:5',
  otlpHttp: 'http://127.0.0.1:6',
  query: 'http://127.0.0.1:7',
  viewer: 'http://127.0.0.1:7/',
};

void describe('rehearsal environment', () => {
  const deployments = functionDeployments(REHEARSAL_SETTINGS);

  void it("is the deploy's environment plus the platform's NODE_ENV, not this shell's", () => {
    const env = rehearsalBaseEnv(deployments, { PATH: '/usr/bin', HOME: '/root', OTEL_TRACES_SAMPLER: 'always_off', OTEL_EXPORTER_OTLP_HEADERS: 'x=1' }, '/opt/node22/bin/node');
    assert.deepEqual(env, { PATH: '/opt/node22/bin:/usr/bin', HOME: '/root', NODE_ENV: 'production', ...deployments[0]!.env });
  });

  void it('once the stack points it at the local parts, only the exporter, its endpoint, the emulators and local-only settings differ', () => {
    const base = rehearsalBaseEnv(deployments, { PATH: '/usr/bin' }, '/n/node');
    const options = parseStackOptions([...FREE_PORT_ARGS, `--project=${REHEARSAL_SETTINGS.project}`, `--topic=${REHEARSAL_SETTINGS.ordersTopic}`], {});
    const overridden = describeOverrides(deployments[0]!.env, functionEnv(base, options, URLS)).map((line) => line.split(':')[0]);
    assert.deepEqual(overridden, ['FIRESTORE_EMULATOR_HOST', 'METADATA_SERVER_DETECTION', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_EXPORTER', 'PUBSUB_EMULATOR_HOST']);
  });

  void it('describes each change as deployed → rehearsed', () => {
    assert.deepEqual(describeOverrides({ A: '1', B: '2' }, { A: '1', B: '3', C: '4', PATH: '/x' }), ['B: 2 → 3', 'C: (unset) → 4']);
  });

  void it('refuses functions deployed with different environments (one stack starts both with one)', () => {
    const [a, b] = deployments as [FunctionDeployment, FunctionDeployment];
    assert.throws(() => rehearsalBaseEnv([a, { ...b, env: { ...b.env, EXTRA: '1' } }], {}, '/n/node'), /different environment/);
  });
});

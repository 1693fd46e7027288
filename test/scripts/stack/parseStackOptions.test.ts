import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STACK_PORTS, StackOptionsError, parseStackOptions } from '../../../scripts/stack/parseStackOptions';
import type { StackOptions } from '../../../scripts/stack/parseStackOptions';

const DEFAULTS: StackOptions = {
  host: '127.0.0.1',
  ports: DEFAULT_STACK_PORTS,
  exporter: 'otlp',
  emulators: 'auto',
  projectId: 'demo-orders',
  topic: 'orders',
  deadLetterTopic: 'orders-dead-letter',
  subscription: 'orders-processOrder',
  pubsubEmulatorHost: undefined,
  firestoreEmulatorHost: undefined,
  readyTimeoutMs: 30_000,
  stopTimeoutMs: 5_000,
  rawLogs: false,
  platform: { kind: 'none' },
  help: false,
};

const GOOD: readonly { name: string; argv: string[]; env?: NodeJS.ProcessEnv; want: Partial<StackOptions> }[] = [
  { name: 'defaults', argv: [], want: {} },
  { name: '--create-port', argv: ['--create-port', '9080'], want: { ports: { ...DEFAULT_STACK_PORTS, createOrder: 9080 } } },
  { name: '--process-port=', argv: ['--process-port=9081'], want: { ports: { ...DEFAULT_STACK_PORTS, processOrder: 9081 } } },
  { name: '--pubsub-port', argv: ['--pubsub-port', '9085'], want: { ports: { ...DEFAULT_STACK_PORTS, pubsub: 9085 } } },
  { name: '--firestore-port', argv: ['--firestore-port', '9086'], want: { ports: { ...DEFAULT_STACK_PORTS, firestore: 9086 } } },
  { name: '--otlp-grpc-port', argv: ['--otlp-grpc-port', '5317'], want: { ports: { ...DEFAULT_STACK_PORTS, otlpGrpc: 5317 } } },
  { name: '--otlp-http-port', argv: ['--otlp-http-port', '5318'], want: { ports: { ...DEFAULT_STACK_PORTS, otlpHttp: 5318 } } },
  { name: '--query-port', argv: ['--query-port', '26686'], want: { ports: { ...DEFAULT_STACK_PORTS, query: 26686 } } },
  { name: '--sweep-port', argv: ['--sweep-port', '9082'], want: { ports: { ...DEFAULT_STACK_PORTS, sweep: 9082 } } },
  { name: '--host exposes every part', argv: ['--host', '0.0.0.0'], want: { host: '0.0.0.0' } },
  {
    name: 'port 0 everywhere',
    argv: ['--create-port=0', '--process-port=0', '--pubsub-port=0', '--firestore-port=0', '--otlp-grpc-port=0', '--otlp-http-port=0', '--query-port=0', '--sweep-port=0'],
    want: { ports: { createOrder: 0, processOrder: 0, pubsub: 0, firestore: 0, otlpGrpc: 0, otlpHttp: 0, query: 0, sweep: 0 } },
  },
  { name: '--exporter console (its spans are the output: raw logs)', argv: ['--exporter', 'console'], want: { exporter: 'console', rawLogs: true } },
  { name: '--raw-logs', argv: ['--raw-logs'], want: { rawLogs: true } },
  { name: '--exporter none', argv: ['--exporter=none'], want: { exporter: 'none' } },
  { name: '--emulators google', argv: ['--emulators', 'google'], want: { emulators: 'google' } },
  { name: '--emulators=bundled', argv: ['--emulators=bundled'], want: { emulators: 'bundled' } },
  { name: '--project', argv: ['--project', 'demo-x'], want: { projectId: 'demo-x' } },
  { name: 'GOOGLE_CLOUD_PROJECT', argv: [], env: { GOOGLE_CLOUD_PROJECT: 'demo-env' }, want: { projectId: 'demo-env' } },
  { name: 'flag beats env', argv: ['--project', 'demo-flag'], env: { GOOGLE_CLOUD_PROJECT: 'demo-env' }, want: { projectId: 'demo-flag' } },
  { name: 'empty env is unset', argv: [], env: { GOOGLE_CLOUD_PROJECT: '', ORDERS_TOPIC: ' ' }, want: {} },
  {
    name: '--topic names the dead-letter topic and subscription',
    argv: ['--topic', 'orders-v2'],
    want: { topic: 'orders-v2', deadLetterTopic: 'orders-v2-dead-letter', subscription: 'orders-v2-processOrder' },
  },
  { name: 'ORDERS_TOPIC', argv: [], env: { ORDERS_TOPIC: 'o2' }, want: { topic: 'o2', deadLetterTopic: 'o2-dead-letter', subscription: 'o2-processOrder' } },
  { name: 'PUBSUB_EMULATOR_HOST reused', argv: [], env: { PUBSUB_EMULATOR_HOST: 'localhost:8095' }, want: { pubsubEmulatorHost: 'localhost:8095' } },
  { name: 'FIRESTORE_EMULATOR_HOST reused', argv: [], env: { FIRESTORE_EMULATOR_HOST: '[::1]:8096' }, want: { firestoreEmulatorHost: '[::1]:8096' } },
  { name: '--ready-timeout-ms', argv: ['--ready-timeout-ms', '500'], want: { readyTimeoutMs: 500 } },
  { name: '--help', argv: ['--help'], want: { help: true } },
  { name: '-h', argv: ['-h'], want: { help: true } },
  {
    name: '--platform cloud-run: Cloud Run\'s defaults',
    argv: ['--platform', 'cloud-run'],
    want: { platform: { kind: 'cloud-run', billing: 'request', idleShutdownS: 900, sampleRate: 0.1, frontEndArgs: ['--billing=request', '--idle-shutdown=900', '--front-end-sample-rate=0.1'] } },
  },
  {
    name: '--platform cloud-run with its three flags, passed on as given',
    argv: ['--platform=cloud-run', '--billing=instance', '--idle-shutdown', '2.5', '--front-end-sample-rate', '1000'],
    want: { platform: { kind: 'cloud-run', billing: 'instance', idleShutdownS: 2.5, sampleRate: 1000, frontEndArgs: ['--billing=instance', '--idle-shutdown=2.5', '--front-end-sample-rate=1000'] } },
  },
];

const BAD: readonly { name: string; argv: string[]; env?: NodeJS.ProcessEnv; message: RegExp }[] = [
  { name: 'unknown flag', argv: ['--bogus'], message: /--bogus/ },
  { name: 'unknown platform', argv: ['--platform', 'lambda'], message: /--platform must be one of none, cloud-run, got "lambda"/ },
  { name: '--billing without cloud-run', argv: ['--billing', 'request'], message: /--billing applies to --platform cloud-run only/ },
  { name: '--idle-shutdown without cloud-run', argv: ['--idle-shutdown=5'], message: /--idle-shutdown applies to --platform cloud-run only/ },
  { name: 'bad --billing', argv: ['--platform=cloud-run', '--billing=free'], message: /--billing must be one of request, instance/ },
  { name: 'bad --idle-shutdown', argv: ['--platform=cloud-run', '--idle-shutdown=0'], message: /--idle-shutdown must be a number of seconds above 0/ },
  { name: 'bad --front-end-sample-rate', argv: ['--platform=cloud-run', '--front-end-sample-rate=-1'], message: /--front-end-sample-rate must be a number/ },
  { name: 'positional', argv: ['extra'], message: /extra/ },
  { name: 'port not a number', argv: ['--create-port', 'abc'], message: /--create-port must be a port number 0-65535, got "abc"/ },
  { name: 'port too big', argv: ['--query-port', '70000'], message: /--query-port .*"70000"/ },
  { name: 'negative port', argv: ['--pubsub-port=-1'], message: /--pubsub-port .*"-1"/ },
  { name: 'fractional port', argv: ['--firestore-port', '80.5'], message: /--firestore-port/ },
  { name: 'missing value', argv: ['--otlp-grpc-port'], message: /otlp-grpc-port/ },
  { name: 'bad exporter', argv: ['--exporter', 'gcp'], message: /--exporter must be one of otlp, console, none, got "gcp"/ },
  { name: 'bad emulators', argv: ['--emulators', 'docker'], message: /--emulators must be one of auto, google, bundled, got "docker"/ },
  { name: 'empty project', argv: ['--project', ''], message: /--project must not be empty/ },
  { name: 'bad PUBSUB_EMULATOR_HOST', argv: [], env: { PUBSUB_EMULATOR_HOST: 'http://x:1/' }, message: /PUBSUB_EMULATOR_HOST must be host:port/ },
  { name: 'port-less FIRESTORE_EMULATOR_HOST', argv: [], env: { FIRESTORE_EMULATOR_HOST: 'localhost' }, message: /FIRESTORE_EMULATOR_HOST must be host:port/ },
  { name: 'zero ready timeout', argv: ['--ready-timeout-ms', '0'], message: /--ready-timeout-ms must be a positive integer/ },
];

void describe('parseStackOptions', () => {
  for (const c of GOOD) {
    void it(`accepts ${c.name}`, () => {
      assert.deepEqual(parseStackOptions(c.argv, c.env ?? {}), { ...DEFAULTS, ...c.want });
    });
  }
  for (const c of BAD) {
    void it(`rejects ${c.name} with StackOptionsError`, () => {
      assert.throws(
        () => parseStackOptions(c.argv, c.env ?? {}),
        (err: unknown) => err instanceof StackOptionsError && err.name === 'StackOptionsError' && c.message.test(err.message),
      );
    });
  }
});

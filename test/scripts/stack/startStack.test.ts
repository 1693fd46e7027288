import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import path from 'node:path';
import { PortInUseError } from '../../../scripts/stack/assertPortsFree';
import { FREE_PORT_ARGS, parseStackOptions } from '../../../scripts/stack/parseStackOptions';
import type { StackOptions } from '../../../scripts/stack/parseStackOptions';
import type { PubSubProvisioning } from '../../../scripts/stack/provisionPubSub';
import { functionEnv, startStack } from '../../../scripts/stack/startStack';
import type { StackDeps } from '../../../scripts/stack/startStack';
import { isAlive as isPidAlive } from '../../support/isAlive';

const FAKE_FF = path.join(__dirname, 'fixtures', 'fakeFunction.js');

const isAlive = (pid: number | undefined): boolean => pid !== undefined && isPidAlive(pid);

/** Services replaced by recorders, functions by the fake functions-framework. */
function fakeDeps(mode: string) {
  const events: string[] = [];
  const lines: string[] = [];
  const provisioned: PubSubProvisioning[] = [];
  const service = (name: string) => ({ close: async () => void events.push(`close ${name}`) });
  const deps: Partial<StackDeps> = {
    log: (line) => lines.push(line),
    functionsFrameworkMain: FAKE_FF,
    env: { ...process.env, FAKE_MODE: mode },
    startCollector: async (o = {}) => {
      events.push('start collector');
      return { host: '127.0.0.1', grpcPort: o.grpcPort || 14317, httpPort: o.httpPort || 14318, queryPort: o.queryPort || 26686, ...service('collector') };
    },
    startFirestoreEmulator: async (o = {}) => {
      events.push('start firestore');
      return { host: '127.0.0.1', port: o.port || 18086, address: '', ...service('firestore') };
    },
    startPubSubEmulator: async (o = {}) => {
      events.push('start pubsub');
      return { host: '127.0.0.1', port: o.port || 18085, ...service('pubsub') };
    },
    provisionPubSub: async (p) => {
      provisioned.push(p);
    },
  };
  return { deps, events, lines, provisioned };
}

function options(argv: string[] = [], env: NodeJS.ProcessEnv = {}): StackOptions {
  return { ...parseStackOptions([...FREE_PORT_ARGS, '--ready-timeout-ms=15000', ...argv], env), stopTimeoutMs: 2_000 };
}

void describe('startStack (fake parts)', () => {
  void it('starts services then both functions, provisions the push subscription, and close() stops everything', async () => {
    const { deps, events, lines, provisioned } = fakeDeps('serve');
    const stack = await startStack(options(), deps);
    const { createOrder, processOrder } = stack.pids;
    try {
      assert.deepEqual(events, ['start collector', 'start firestore', 'start pubsub']);
      assert.ok(isAlive(createOrder) && isAlive(processOrder));
      assert.match(stack.urls.createOrder, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(stack.urls.pubsub, '127.0.0.1:18085');
      assert.equal(stack.urls.firestore, '127.0.0.1:18086');
      assert.equal(stack.urls.otlpGrpc, 'http://127.0.0.1:14317');
      assert.equal(stack.urls.query, 'http://127.0.0.1:26686');
      assert.deepEqual(provisioned, [
        {
          apiEndpoint: '127.0.0.1:18085',
          projectId: 'demo-orders',
          topic: 'orders',
          deadLetterTopic: 'orders-dead-letter',
          subscription: 'orders-processOrder',
          pushEndpoint: stack.urls.processOrder,
        },
      ]);
      assert.ok(lines.includes('[createOrder] target=createOrder service=createOrder endpoint=http://127.0.0.1:14317'), lines.join('\n'));
      assert.ok(lines.includes('[processOrder] target=processOrder service=processOrder endpoint=http://127.0.0.1:14317'));
    } finally {
      await stack.close();
    }
    assert.equal(isAlive(createOrder), false, 'createOrder stopped');
    assert.equal(isAlive(processOrder), false, 'processOrder stopped');
    assert.ok(lines.includes('[createOrder] flushing on SIGTERM'), 'functions got SIGTERM to flush');
    assert.deepEqual(events.slice(3), ['close pubsub', 'close firestore', 'close collector']);
    await stack.close();
    assert.equal(events.length, 6, 'close is idempotent');
  });

  void it('reuses emulators named by PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST', async () => {
    const { deps, events, provisioned } = fakeDeps('serve');
    const stack = await startStack(options([], { PUBSUB_EMULATOR_HOST: '127.0.0.1:1', FIRESTORE_EMULATOR_HOST: '127.0.0.1:2' }), deps);
    try {
      assert.deepEqual(events, ['start collector']);
      assert.deepEqual(stack.reused, { pubsub: true, firestore: true });
      assert.equal(stack.urls.firestore, '127.0.0.1:2');
      assert.equal(provisioned[0]?.apiEndpoint, '127.0.0.1:1');
    } finally {
      await stack.close();
    }
  });

  void it('a function that dies takes the stack down and names itself', async () => {
    const { deps, events } = fakeDeps('die-after-ready');
    const stack = await startStack(options(), deps);
    const err = await stack.failure;
    assert.match(err.message, /^(createOrder|processOrder|sweepOrders) \(pid \d+\) exited with code 3; stopping the stack$/);
    assert.equal(isAlive(stack.pids.createOrder), false);
    assert.equal(isAlive(stack.pids.processOrder), false);
    assert.ok(events.includes('close collector'));
  });

  void it('a function that never comes up fails start-up, naming it, and leaves nothing running', async () => {
    const { deps, events } = fakeDeps('crash');
    await assert.rejects(startStack(options(), deps), /^NotReadyError: (createOrder|processOrder|sweepOrders) exited before answering/);
    assert.deepEqual(events.filter((e) => e.startsWith('close')), ['close pubsub', 'close firestore', 'close collector']);
  });

  void it('refuses to start when a wanted port is taken, before starting anything', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { deps, events } = fakeDeps('serve');
      await assert.rejects(
        startStack(options([`--pubsub-port=${port}`]), deps),
        (err: Error) =>
          err instanceof PortInUseError && err.message === `port ${port} (Pub/Sub emulator) is in use; set --pubsub-port or PUBSUB_EMULATOR_HOST`,
      );
      assert.deepEqual(events, []);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

void describe('functionEnv', () => {
  void it('points the functions at this stack and drops signal-specific OTLP overrides', () => {
    const env = functionEnv(
      { PATH: '/bin', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://elsewhere:4317', PUBSUB_EMULATOR_HOST: 'old:1' },
      parseStackOptions(['--exporter', 'console', '--project', 'demo-p', '--topic', 'ttt'], {}),
      {
        createOrder: 'http://127.0.0.1:1/',
        processOrder: 'http://127.0.0.1:2/',
        pubsub: '127.0.0.1:3',
        firestore: '127.0.0.1:4',
        otlpGrpc: 'http://127.0.0.1:5',
        otlpHttp: 'http://127.0.0.1:6',
        query: 'http://127.0.0.1:7',
        viewer: 'http://127.0.0.1:7/',
      },
    );
    assert.deepEqual(env, {
      PATH: '/bin',
      GOOGLE_CLOUD_PROJECT: 'demo-p',
      ORDERS_TOPIC: 'ttt',
      FIRESTORE_EMULATOR_HOST: '127.0.0.1:4',
      PUBSUB_EMULATOR_HOST: '127.0.0.1:3',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:5',
      METADATA_SERVER_DETECTION: 'none',
    });
  });
});

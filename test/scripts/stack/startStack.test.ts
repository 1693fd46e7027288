import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
function fakeDeps(mode: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const events: string[] = [];
  const lines: string[] = [];
  const provisioned: PubSubProvisioning[] = [];
  const service = (name: string) => ({ close: async () => void events.push(`close ${name}`) });
  const deps: Partial<StackDeps> = {
    log: (line) => lines.push(line),
    functionsFrameworkMain: FAKE_FF,
    env: { ...process.env, FAKE_MODE: mode, ...extraEnv },
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
    // As on a machine without gcloud, unless a test says otherwise.
    findGoogleEmulators: () => ({ found: false, reason: 'gcloud is not on PATH' }),
    startGoogleEmulator: async (o) => {
      events.push(`start google ${o.kind} with ${o.gcloud}`);
      const port = o.port || (o.kind === 'pubsub' ? 28085 : 28086);
      return { kind: o.kind, host: '127.0.0.1', port, address: `127.0.0.1:${port}`, pid: 1, exited: new Promise(() => undefined), ...service(`google ${o.kind}`) };
    },
    warmUpFirestore: async (address) => void events.push(`warm up ${address}`),
    supervision: { maxCrashes: 3, crashWindowMs: 60_000, minBackoffMs: 20, maxBackoffMs: 100 },
  };
  return { deps, events, lines, provisioned };
}

/** Polls (bounded) until check returns a value. */
async function waitUntil<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  for (let waited = 0; waited < timeoutMs; waited += 25) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nothing after ${timeoutMs} ms`);
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
      assert.deepEqual(stack.emulators, { backend: 'bundled', why: "Google's not available: gcloud is not on PATH" });
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
          pushEndpoint: `${stack.urls.processOrder}projects/demo-orders/topics/orders`,
        },
      ]);
      assert.ok(lines.includes('[createOrder] target=createOrder service=createOrder endpoint=http://127.0.0.1:14318'), lines.join('\n'));
      assert.ok(lines.includes('[processOrder] target=processOrder service=processOrder endpoint=http://127.0.0.1:14318'));
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

  void it('a function that dies is restarted with a line saying so; the emulators stay up', async () => {
    const marker = path.join(mkdtempSync(path.join(tmpdir(), 'stack-')), 'died');
    const { deps, events, lines } = fakeDeps('die-once', { FAKE_MARKER: marker });
    const stack = await startStack(options(), deps);
    try {
      const before = { ...stack.pids };
      const restarted = await waitUntil(() => lines.find((l) => / is back as pid \d+ \(restart 1\)$/.test(l)));
      const name = /\[stack\] (\w+) is back/.exec(restarted)![1]!;
      assert.ok(lines.some((l) => new RegExp(`^\\[stack\\] ${name} \\(pid \\d+\\) exited with code 3; restarting it in 20 ms \\(crash 1 of 3 allowed within 60 s\\)$`).test(l)), lines.join('\n'));
      const key = name as keyof typeof before;
      assert.notEqual(stack.pids[key], before[key], 'the restarted function runs under a new pid');
      assert.ok(isAlive(stack.pids.createOrder) && isAlive(stack.pids.processOrder));
      assert.deepEqual(events, ['start collector', 'start firestore', 'start pubsub'], 'nothing closed, nothing restarted but the function');
    } finally {
      await stack.close();
    }
    assert.equal(isAlive(stack.pids.createOrder), false);
    assert.equal(isAlive(stack.pids.processOrder), false);
  });

  void it('a function that keeps dying makes the supervisor give up, naming it, and takes the stack down', async () => {
    const { deps, events, lines } = fakeDeps('die-after-ready');
    const stack = await startStack(options(), deps);
    const err = await stack.failure;
    assert.match(err.message, /^(createOrder|processOrder|sweepOrders) \(pid \d+\) exited with code 3; it crashed 3 times within 60 s, giving up; stopping the stack$/);
    assert.ok(lines.some((l) => /restarting it in 40 ms \(crash 2 of 3/.test(l)), 'the backoff doubles');
    assert.equal(isAlive(stack.pids.createOrder), false);
    assert.equal(isAlive(stack.pids.processOrder), false);
    assert.ok(events.includes('close collector'));
  });

  void it('a collector that exits is restarted on the ports the first one bound, with the file its traces are kept in', async () => {
    const { deps, events, lines } = fakeDeps('serve');
    const starts: { grpcPort?: number; httpPort?: number; queryPort?: number; file?: string }[] = [];
    let crash: () => void = () => undefined;
    const stack = await startStack(options(), {
      ...deps,
      traceFile: '/tmp/kept-traces.jsonl',
      startCollector: async (o) => {
        starts.push({ grpcPort: o.grpcPort, httpPort: o.httpPort, queryPort: o.queryPort, file: o.file });
        const exited = new Promise<unknown>((resolve) => (crash = () => resolve({ code: 1, signal: null })));
        return { host: '127.0.0.1', grpcPort: o.grpcPort || 14317, httpPort: o.httpPort || 14318, queryPort: o.queryPort || 26686, pid: 4242, exited, close: async () => void events.push('close collector') };
      },
    });
    try {
      crash();
      await waitUntil(() => lines.find((l) => l === '[stack] the collector is back as pid 4242 (restart 1)'));
      assert.ok(lines.includes('[stack] the collector (pid 4242) exited with code 1; restarting it in 20 ms (crash 1 of 3 allowed within 60 s)'), lines.join('\n'));
      const file = '/tmp/kept-traces.jsonl';
      assert.deepEqual(starts, [{ grpcPort: 0, httpPort: 0, queryPort: 0, file }, { grpcPort: 14317, httpPort: 14318, queryPort: 26686, file }], 'both runs keep their traces in the same file');
      assert.ok(isAlive(stack.pids.createOrder) && isAlive(stack.pids.processOrder));
    } finally {
      await stack.close();
    }
  });

  void it("--emulators auto starts Google's emulators when gcloud has them, and says so", async () => {
    const { deps, events, provisioned } = fakeDeps('serve');
    const stack = await startStack(options(), { ...deps, findGoogleEmulators: () => ({ found: true, gcloud: '/opt/gcloud', sdkRoot: '/opt' }) });
    try {
      assert.deepEqual(events.slice(1).sort(), ['start google firestore with /opt/gcloud', 'start google pubsub with /opt/gcloud', 'warm up 127.0.0.1:28086']);
      assert.deepEqual(stack.emulators, { backend: 'google', why: 'gcloud emulators installed' });
      assert.equal(provisioned[0]?.apiEndpoint, '127.0.0.1:28085');
      assert.equal(provisioned[0]?.retryPolicy, null, "Google's emulator stalls redelivery under a retry policy");
      assert.equal(provisioned[0]?.maxDeliveryAttempts, 100);
      assert.equal(stack.urls.firestore, '127.0.0.1:28086');
    } finally {
      await stack.close();
    }
    assert.deepEqual(events.filter((e) => e.startsWith('close')).slice(-1), ['close collector']);
    assert.equal(events.filter((e) => e.startsWith('close google')).length, 2);
  });

  void it("Google's Pub/Sub emulator that dies is restarted on its port and provisioned again; the stack stays up", async () => {
    const { deps, events, lines, provisioned } = fakeDeps('serve');
    const deaths: Record<string, () => void> = {};
    const stack = await startStack(options(), {
      ...deps,
      findGoogleEmulators: () => ({ found: true, gcloud: '/opt/gcloud', sdkRoot: '/opt' }),
      startGoogleEmulator: async (o) => {
        events.push(`start google ${o.kind} on ${o.port}`);
        const port = o.port || (o.kind === 'pubsub' ? 28085 : 28086);
        // gcloud's wrapper exits 0 when its Java child is SIGKILLed.
        const exited = new Promise<{ code: number; signal: null }>((resolve) => (deaths[o.kind] = () => resolve({ code: 0, signal: null })));
        return { kind: o.kind, host: '127.0.0.1', port, address: `127.0.0.1:${port}`, pid: 7, exited, close: async () => void events.push(`close google ${o.kind}`) };
      },
    });
    try {
      assert.equal(provisioned.length, 1);
      deaths.pubsub!();
      await waitUntil(() => lines.find((l) => l === "[stack] Google's pubsub emulator is back as pid 7 (restart 1)"));
      await waitUntil(() => (provisioned.length === 2 ? true : undefined));
      assert.ok(lines.includes("[stack] Google's pubsub emulator (pid 7) exited with code 0; restarting it in 20 ms (crash 1 of 3 allowed within 60 s)"), lines.join('\n'));
      assert.ok(events.includes('start google pubsub on 28085'), 'restarted on the port it had');
      assert.deepEqual(provisioned[1], provisioned[0], 'the same topic, subscriptions and push endpoint again');
      const failed = await Promise.race([stack.failure, new Promise((resolve) => setTimeout(() => resolve('still up'), 200))]);
      assert.equal(failed, 'still up');
      assert.ok(isAlive(stack.pids.createOrder) && isAlive(stack.pids.processOrder));
    } finally {
      await stack.close();
    }
  });

  void it('--emulators bundled keeps the bundled ones even where gcloud has them', async () => {
    const { deps, events } = fakeDeps('serve');
    const stack = await startStack(options(['--emulators=bundled']), { ...deps, findGoogleEmulators: () => ({ found: true, gcloud: '/opt/gcloud', sdkRoot: '/opt' }) });
    await stack.close();
    assert.deepEqual(events.slice(0, 3), ['start collector', 'start firestore', 'start pubsub']);
    assert.deepEqual(stack.emulators, { backend: 'bundled', why: '--emulators bundled' });
  });

  void it('--emulators google without them installed fails before starting anything, saying why', async () => {
    const { deps, events } = fakeDeps('serve');
    await assert.rejects(
      startStack(options(['--emulators=google']), deps),
      /^GoogleEmulatorsMissingError: --emulators google: Google's emulators cannot run here: gcloud is not on PATH\. Use --emulators bundled \(or auto\)\.$/,
    );
    assert.deepEqual(events, []);
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
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:6',
      METADATA_SERVER_DETECTION: 'none',
    });
  });
});

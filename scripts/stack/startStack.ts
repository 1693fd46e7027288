import path from 'node:path';
import type { Collector, CollectorOptions } from '../collector/startCollector';
import { startFirestoreEmulator } from '../firestoreEmulator/startFirestoreEmulator';
import { startPubSubEmulator } from '../pubsubEmulator/startPubSubEmulator';
import { assertPortsFree, findFreePort } from './assertPortsFree';
import type { WantedPort } from './assertPortsFree';
import type { StackUrls } from './formatBanner';
import type { StackOptions } from './parseStackOptions';
import { provisionPubSub } from './provisionPubSub';
import { startCollectorProcess } from './startCollectorProcess';
import { describeExit, startChild } from './startChild';
import { localSweepEnv } from './localSweepEnv';
import { startSweepSchedule } from './startSweepSchedule';
import type { SweepSchedule } from './startSweepSchedule';
import type { RunningChild } from './startChild';
import { waitForHttp } from './waitForHttp';

export interface Stack {
  readonly urls: StackUrls;
  readonly options: StackOptions;
  /** Which emulators came from PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST. */
  readonly reused: { readonly pubsub: boolean; readonly firestore: boolean };
  /** pids of the function processes this stack spawned. */
  /** The recovery sweeper function (private locally too: only the schedule calls it). */
  readonly sweepUrl?: string;
  readonly pids: { readonly createOrder: number | undefined; readonly processOrder: number | undefined; readonly sweepOrders?: number | undefined };
  /**
   * Settles (never rejects) when a part died without being asked to; by then the
   * rest of the stack is already closed.
   */
  readonly failure: Promise<Error>;
  /** Stops functions (SIGTERM, bounded, then SIGKILL), then the services. Idempotent. */
  close(): Promise<void>;
}

interface Closable {
  close(): Promise<void>;
}

/** What the stack is made of; tests replace parts, everything else uses the defaults. */
export interface StackDeps {
  readonly log: (line: string) => void;
  /** Directory functions-framework loads the functions from (package.json `main`). */
  readonly repoRoot: string;
  /** functions-framework's CLI entry; a test may point it at a stand-in. */
  readonly functionsFrameworkMain: string;
  /** Base environment of the function processes. */
  readonly env: NodeJS.ProcessEnv;
  /** The collector; by default its own process. `exited`, when given, is watched like a function's. */
  readonly startCollector: (options: CollectorOptions) => Promise<Collector & { readonly exited?: Promise<unknown> }>;
  readonly startPubSubEmulator: typeof startPubSubEmulator;
  readonly startFirestoreEmulator: typeof startFirestoreEmulator;
  readonly provisionPubSub: typeof provisionPubSub;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function defaultStackDeps(): StackDeps {
  return {
    log: (line) => console.log(line),
    repoRoot: REPO_ROOT,
    functionsFrameworkMain: path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
    env: process.env,
    startCollector: startCollectorProcess,
    startPubSubEmulator,
    startFirestoreEmulator,
    provisionPubSub,
  };
}

/**
 * Starts the whole local pipeline and resolves once an order can be posted.
 * The emulators run in this process (they are our own code, start in milliseconds and
 * report their real ports when given port 0); the collector runs in its own process
 * (see startCollectorProcess); the functions run as real
 * functions-framework processes, each with its own tracer provider and flush, as
 * on Cloud Run. On any start-up failure, whatever was started is stopped again.
 */
export async function startStack(options: StackOptions, overrides: Partial<StackDeps> = {}): Promise<Stack> {
  const deps: StackDeps = { ...defaultStackDeps(), ...overrides };
  const { host, ports } = options;
  const started = Date.now();
  const services: Closable[] = [];
  const children: RunningChild[] = [];
  let closing: Promise<void> | undefined;
  let sweepSchedule: SweepSchedule | undefined;
  let reportFailure: (err: Error) => void = () => undefined;
  const failure = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });

  const close = (): Promise<void> => {
    closing ??= (async () => {
      await sweepSchedule?.close();
      await Promise.all(children.map((c) => c.stop(options.stopTimeoutMs)));
      // Reverse start order: the collector goes last so the functions' final spans land.
      for (const service of [...services].reverse()) {
        try {
          await service.close();
        } catch (err) {
          deps.log(`[stack] closing a service failed: ${(err as Error).message}`);
        }
      }
    })();
    return closing;
  };
  // A part that dies unasked takes the stack down; one dying because we close it does not.
  const partDied = async (what: string): Promise<void> => {
    if (closing) return;
    const err = new Error(`${what}; stopping the stack`);
    deps.log(`[stack] ${err.message}`);
    await close();
    reportFailure(err);
  };

  const wanted: WantedPort[] = [
    { part: 'createOrder', port: ports.createOrder, hint: 'set --create-port' },
    { part: 'processOrder', port: ports.processOrder, hint: 'set --process-port' },
    { part: 'OTLP gRPC receiver', port: ports.otlpGrpc, hint: 'set --otlp-grpc-port' },
    { part: 'OTLP HTTP receiver', port: ports.otlpHttp, hint: 'set --otlp-http-port' },
    { part: 'trace query API', port: ports.query, hint: 'set --query-port' },
  ];
  if (!options.pubsubEmulatorHost) {
    wanted.push({ part: 'Pub/Sub emulator', port: ports.pubsub, hint: 'set --pubsub-port or PUBSUB_EMULATOR_HOST' });
  }
  if (!options.firestoreEmulatorHost) {
    wanted.push({ part: 'Firestore emulator', port: ports.firestore, hint: 'set --firestore-port or FIRESTORE_EMULATOR_HOST' });
  }
  await assertPortsFree(host, wanted);

  try {
    const collector = await deps.startCollector({
      host,
      grpcPort: ports.otlpGrpc,
      httpPort: ports.otlpHttp,
      queryPort: ports.query,
      log: (line) => deps.log(`[collector] ${line}`),
    });
    services.push(collector);
    void collector.exited?.then(() => partDied('the collector exited unexpectedly'));

    let firestore = options.firestoreEmulatorHost;
    if (!firestore) {
      const emulator = await deps.startFirestoreEmulator({ host, port: ports.firestore });
      services.push(emulator);
      firestore = `${emulator.host}:${emulator.port}`;
    }

    let pubsub = options.pubsubEmulatorHost;
    if (!pubsub) {
      const emulator = await deps.startPubSubEmulator({ host, port: ports.pubsub, log: (line) => deps.log(`[pubsub] ${line}`) });
      services.push(emulator);
      pubsub = `${emulator.host}:${emulator.port}`;
    }

    // functions-framework cannot report the port it got for --port=0, so pick one.
    const createPort = ports.createOrder || (await findFreePort(host));
    const processPort = ports.processOrder || (await findFreePort(host));
    const otlpGrpc = `http://${collector.host}:${collector.grpcPort}`;
    const urls: StackUrls = {
      createOrder: `http://${host}:${createPort}/`,
      processOrder: `http://${host}:${processPort}/`,
      pubsub,
      firestore,
      otlpGrpc,
      otlpHttp: `http://${collector.host}:${collector.httpPort}`,
      query: `http://${collector.host}:${collector.queryPort}`,
      viewer: `http://${collector.host}:${collector.queryPort}/`,
    };

    const { env, intervalMs: sweepIntervalMs } = localSweepEnv(functionEnv(deps.env, options, urls));
    const spawnFunction = (target: string, port: number, extra: readonly string[]): RunningChild => {
      const child = startChild({
        name: target,
        command: process.execPath,
        args: [deps.functionsFrameworkMain, `--target=${target}`, `--port=${port}`, `--source=${deps.repoRoot}`, ...extra],
        env: { ...env, OTEL_SERVICE_NAME: target },
        cwd: deps.repoRoot,
        log: deps.log,
      });
      children.push(child);
      deps.log(`[stack] ${target} started as pid ${child.pid ?? '?'} on port ${port}`);
      void child.exited.then((exit) => partDied(`${target} (pid ${child.pid ?? '?'}) ${describeExit(exit)}`));
      return child;
    };
    const createOrder = spawnFunction('createOrder', createPort, []);
    const processOrder = spawnFunction('processOrder', processPort, ['--signature-type=cloudevent']);
    // The recovery sweeper, private: only the schedule below calls it, as Cloud Scheduler would.
    const sweepUrl = `http://${host}:${await findFreePort(host)}/`;
    const sweepOrders = spawnFunction('sweepOrders', Number(new URL(sweepUrl).port), []);

    // robots.txt: functions-framework answers it without running the function, so
    // readiness probes leave no spans behind.
    await Promise.all(
      [createOrder, processOrder, sweepOrders].map((child, i) =>
        waitForHttp(`${[urls.createOrder, urls.processOrder, sweepUrl][i]}robots.txt`, {
          part: child.name,
          timeoutMs: options.readyTimeoutMs,
          giveUp: () => (child.isRunning() ? undefined : 'exited'),
        }),
      ),
    );

    await deps.provisionPubSub({
      apiEndpoint: pubsub,
      projectId: options.projectId,
      topic: options.topic,
      deadLetterTopic: options.deadLetterTopic,
      subscription: options.subscription,
      pushEndpoint: urls.processOrder,
    });

    sweepSchedule = startSweepSchedule({ url: sweepUrl, intervalMs: sweepIntervalMs, log: deps.log });
    deps.log(`[stack] recovery sweeper on ${sweepUrl}, called every ${sweepIntervalMs} ms`);
    const readyMs = Date.now() - started;
    deps.log(`[stack] ready in ${readyMs} ms`);
    return {
      urls,
      options,
      reused: { pubsub: Boolean(options.pubsubEmulatorHost), firestore: Boolean(options.firestoreEmulatorHost) },
      sweepUrl,
      pids: { createOrder: createOrder.pid, processOrder: processOrder.pid, sweepOrders: sweepOrders.pid },
      failure,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The environment the functions read (see shared/config), pointed at this stack. */
export function functionEnv(base: NodeJS.ProcessEnv, options: StackOptions, urls: StackUrls): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    GOOGLE_CLOUD_PROJECT: options.projectId,
    ORDERS_TOPIC: options.topic,
    FIRESTORE_EMULATOR_HOST: urls.firestore,
    PUBSUB_EMULATOR_HOST: urls.pubsub,
    OTEL_TRACES_EXPORTER: options.exporter,
    OTEL_EXPORTER_OTLP_ENDPOINT: urls.otlpGrpc,
    // Off GCP, Google auth would otherwise probe a metadata server at start-up.
    METADATA_SERVER_DETECTION: 'none',
  };
  // A signal-specific endpoint or protocol left in the shell would win over ours.
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL;
  delete env.OTEL_EXPORTER_OTLP_PROTOCOL;
  return env;
}

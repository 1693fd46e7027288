import path from 'node:path';
import type { Collector, CollectorOptions } from '../collector/startCollector';
import { startFirestoreEmulator } from '../firestoreEmulator/startFirestoreEmulator';
import { startPubSubEmulator } from '../pubsubEmulator/startPubSubEmulator';
import { assertPortsFree, findFreePort } from './assertPortsFree';
import { chooseEmulators, GoogleEmulatorsMissingError } from './chooseEmulators';
import { findGoogleEmulators } from './findGoogleEmulators';
import type { WantedPort } from './assertPortsFree';
import type { EmulatorBackend, StackUrls } from './formatBanner';
import type { StackOptions } from './parseStackOptions';
import { provisionPubSub } from './provisionPubSub';
import { startCollectorProcess } from './startCollectorProcess';
import { startChild } from './startChild';
import { localSweepEnv } from './localSweepEnv';
import { startGoogleEmulator } from './startGoogleEmulator';
import { startSweepSchedule } from './startSweepSchedule';
import type { SweepSchedule } from './startSweepSchedule';
import { functionArgs } from './stackPlatform';
import { superviseChild } from './superviseChild';
import type { Supervisor } from './superviseChild';
import { waitForHttp } from './waitForHttp';
import { warmUpFirestore } from './warmUpFirestore';

export interface Stack {
  readonly urls: StackUrls;
  readonly options: StackOptions;
  /** Which emulators came from PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST. */
  readonly reused: { readonly pubsub: boolean; readonly firestore: boolean };
  /** Whose emulators run (reused ones aside), and why, for the banner. */
  readonly emulators: EmulatorBackend;
  /** The recovery sweeper function (private locally too: only the schedule calls it). */
  readonly sweepUrl: string;
  /** pids of the function processes this stack spawned (current ones: a restart changes them). */
  readonly pids: { readonly createOrder: number | undefined; readonly processOrder: number | undefined; readonly sweepOrders: number | undefined };
  /**
   * Settles (never rejects) when a part kept dying and its supervisor gave up, or an
   * emulator died; by then the rest of the stack is already closed.
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
  /** The Cloud Run front end's entry, before each function with --platform cloud-run. */
  readonly frontEndMain: string;
  /** Base environment of the function processes. */
  readonly env: NodeJS.ProcessEnv;
  /** Where the collector keeps its spans across restarts (its --file); none: memory only. */
  readonly traceFile?: string;
  /** The collector; by default its own process. `exited`, when given, is watched like a function's. */
  readonly startCollector: (options: CollectorOptions) => Promise<Collector & { readonly exited?: Promise<unknown>; readonly pid?: number }>;
  readonly startPubSubEmulator: typeof startPubSubEmulator;
  readonly startFirestoreEmulator: typeof startFirestoreEmulator;
  readonly provisionPubSub: typeof provisionPubSub;
  readonly findGoogleEmulators: typeof findGoogleEmulators;
  readonly startGoogleEmulator: typeof startGoogleEmulator;
  readonly warmUpFirestore: typeof warmUpFirestore;
  /** Restart policy of the functions and the collector (tests shorten it). */
  readonly supervision: { readonly maxCrashes: number; readonly crashWindowMs: number; readonly minBackoffMs: number; readonly maxBackoffMs: number };
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Preloaded into each function: functions-framework has no host option (see listenOnHost.ts). */
const LISTEN_ON_HOST = path.join(__dirname, 'listenOnHost.js');

export function defaultStackDeps(): StackDeps {
  return {
    log: (line) => console.log(line),
    repoRoot: REPO_ROOT,
    functionsFrameworkMain: path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
    frontEndMain: path.join(__dirname, '..', 'frontEnd.js'),
    env: process.env,
    startCollector: startCollectorProcess,
    startPubSubEmulator,
    startFirestoreEmulator,
    provisionPubSub,
    findGoogleEmulators,
    startGoogleEmulator,
    warmUpFirestore,
    supervision: { maxCrashes: 5, crashWindowMs: 60_000, minBackoffMs: 250, maxBackoffMs: 8_000 },
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
  // Where this stack's clients connect: a wildcard bind (--host 0.0.0.0) is still reached on the loopback.
  const local = connectHost(host);
  const started = Date.now();
  const services: Closable[] = [];
  // The functions: plain runs until they first answer (dying before that is a start-up
  // failure), then their supervisors.
  const children: { stop(): Promise<unknown> }[] = [];
  let closing: Promise<void> | undefined;
  let sweepSchedule: SweepSchedule | undefined;
  let reportFailure: (err: Error) => void = () => undefined;
  const failure = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });

  const close = (): Promise<void> => {
    closing ??= (async () => {
      await sweepSchedule?.close();
      await Promise.all(children.map((c) => c.stop()));
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
  // A part that dies for good takes the stack down; one dying because we close it does not.
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
    { part: 'recovery sweeper', port: ports.sweep, hint: 'set --sweep-port' },
  ];
  if (!options.pubsubEmulatorHost) {
    wanted.push({ part: 'Pub/Sub emulator', port: ports.pubsub, hint: 'set --pubsub-port or PUBSUB_EMULATOR_HOST' });
  }
  if (!options.firestoreEmulatorHost) {
    wanted.push({ part: 'Firestore emulator', port: ports.firestore, hint: 'set --firestore-port or FIRESTORE_EMULATOR_HOST' });
  }
  await assertPortsFree(host, wanted);
  const emulators = chooseEmulators(options, () => deps.findGoogleEmulators(deps.env.PATH));
  // What a restarted emulator needs before it is of use again; set once the stack knows it.
  const afterEmulatorRestart: Record<'pubsub' | 'firestore', () => Promise<void>> = { pubsub: async () => undefined, firestore: async () => undefined };
  const startGoogle = async (kind: 'pubsub' | 'firestore', port: number): Promise<string> => {
    const lookup = deps.findGoogleEmulators(deps.env.PATH);
    if (!lookup.found) throw new GoogleEmulatorsMissingError(lookup.reason);
    deps.log(`[stack] starting Google's ${kind} emulator (Java; takes a few seconds)…`);
    const launch = (onPort: number) =>
      deps.startGoogleEmulator({ kind, gcloud: lookup.gcloud, host, port: onPort, projectId: options.projectId, env: deps.env, log: (line) => deps.log(`[${kind}] ${line}`) });
    let emulator = await launch(port);
    const asRun = (e: typeof emulator) => ({ pid: e.pid, exited: e.exited, stop: () => e.close() });
    // Supervised like the functions: restarted on the same port, then provisioned again
    // (the topic and subscriptions, or the warm-up), since its data lived in the process
    // that died. Orders it had accepted are republished by the sweeper's stuck pass.
    const supervisor = superviseChild(asRun(emulator), {
      ...deps.supervision,
      name: `Google's ${kind} emulator`,
      start: async () => {
        // The Java process may outlive gcloud's wrapper, holding the port: end the whole group first.
        await emulator.close();
        emulator = await launch(emulator.port);
        await afterEmulatorRestart[kind]().catch((err: unknown) => deps.log(`[stack] re-provisioning the ${kind} emulator failed: ${(err as Error).message}`));
        return asRun(emulator);
      },
      log: deps.log,
      onGiveUp: (reason) => void partDied(reason),
    });
    services.push({ close: () => supervisor.stop() });
    return `${local}:${emulator.port}`;
  };

  try {
    const collectorOptions = { host, grpcPort: ports.otlpGrpc, httpPort: ports.otlpHttp, queryPort: ports.query, file: deps.traceFile, log: (line: string) => deps.log(`[collector] ${line}`) };
    const collector = await deps.startCollector(collectorOptions);
    if (collector.exited) {
      // A restarted collector binds the ports the first one got, so the functions'
      // exporters (which retry) find it again; with a traceFile it reads back the traces it held.
      const again = { ...collectorOptions, grpcPort: collector.grpcPort, httpPort: collector.httpPort, queryPort: collector.queryPort };
      const asRun = (c: Awaited<ReturnType<StackDeps['startCollector']>>) => ({ pid: c.pid, exited: c.exited ?? new Promise(() => undefined), stop: () => c.close() });
      const supervisor = superviseChild(asRun(collector), {
        ...deps.supervision,
        name: 'the collector',
        start: async () => asRun(await deps.startCollector(again)),
        log: deps.log,
        onGiveUp: (reason) => void partDied(reason),
      });
      services.push({ close: () => supervisor.stop() });
    } else {
      services.push(collector);
    }

    // Google's emulators take seconds (Java) to start: both at once, and both settled
    // before going on, so a failure of one never leaves the other starting unclosed.
    const [firestore, pubsub] = settledOrThrow<string>(await Promise.allSettled([
      options.firestoreEmulatorHost ??
        (emulators.backend === 'google'
          ? startGoogle('firestore', ports.firestore)
          : deps.startFirestoreEmulator({ host, port: ports.firestore }).then((emulator) => {
              services.push(emulator);
              return `${local}:${emulator.port}`;
            })),
      options.pubsubEmulatorHost ??
        (emulators.backend === 'google'
          ? startGoogle('pubsub', ports.pubsub)
          : deps.startPubSubEmulator({ host, port: ports.pubsub, log: (line) => deps.log(`[pubsub] ${line}`) }).then((emulator) => {
              services.push(emulator);
              return `${local}:${emulator.port}`;
            })),
    ]));

    // functions-framework cannot report the port it got for --port=0, so pick one.
    const createPort = ports.createOrder || (await findFreePort(host));
    const processPort = ports.processOrder || (await findFreePort(host));
    const otlpGrpc = `http://${local}:${collector.grpcPort}`;
    const urls: StackUrls = {
      createOrder: `http://${local}:${createPort}/`,
      processOrder: `http://${local}:${processPort}/`,
      pubsub,
      firestore,
      otlpGrpc,
      otlpHttp: `http://${local}:${collector.httpPort}`,
      query: `http://${local}:${collector.queryPort}`,
      viewer: `http://${local}:${collector.queryPort}/`,
    };

    const { env, intervalMs: sweepIntervalMs } = localSweepEnv(functionEnv(deps.env, options, urls));
    const spawnFunction = (target: string, port: number, extra: readonly string[]) => {
      const start = () => {
        const child = startChild({
          name: target,
          command: process.execPath,
          args: functionArgs(options.platform, { ...deps, target, port, source: deps.repoRoot, extra }),
          env: { ...env, OTEL_SERVICE_NAME: target, ...listenOn(host, env) },
          cwd: deps.repoRoot,
          log: deps.log,
        });
        deps.log(`[stack] ${target} started as pid ${child.pid ?? '?'} on port ${port}`);
        return child;
      };
      const first = start();
      const asRun = (child: typeof first) => ({ pid: child.pid, exited: child.exited, stop: () => child.stop(options.stopTimeoutMs) });
      const index = children.push(asRun(first)) - 1;
      // A crashed instance comes back as on the platform; messages pushed meanwhile
      // fail and the Pub/Sub emulator redelivers them.
      const supervise = (): Supervisor => {
        const supervisor = superviseChild(asRun(first), {
          ...deps.supervision,
          name: target,
          start: () => asRun(start()),
          log: deps.log,
          onGiveUp: (reason) => void partDied(reason),
        });
        children[index] = supervisor;
        return supervisor;
      };
      return Object.assign(first, { supervise });
    };
    // While the functions start: Google's Firestore emulator is slow on its first commit.
    const warmUp =
      emulators.backend === 'google' && !options.firestoreEmulatorHost
        ? deps.warmUpFirestore(firestore).catch((err: unknown) => deps.log(`[stack] warming up the Firestore emulator failed: ${(err as Error).message}`))
        : undefined;
    const createOrder = spawnFunction('createOrder', createPort, []);
    const processOrder = spawnFunction('processOrder', processPort, ['--signature-type=cloudevent']);
    // The recovery sweeper, private: only the schedule below calls it, as Cloud Scheduler would.
    const sweepUrl = `http://${local}:${ports.sweep || (await findFreePort(host))}/`;
    const sweepOrders = spawnFunction('sweepOrders', Number(new URL(sweepUrl).port), []);

    // robots.txt: functions-framework answers it without running the function, so
    // readiness probes leave no spans behind. A function dying before it answers is a
    // start-up failure, not a crash to restart.
    await Promise.all(
      [createOrder, processOrder, sweepOrders].map((child, i) =>
        waitForHttp(`${[urls.createOrder, urls.processOrder, sweepUrl][i]}robots.txt`, {
          part: child.name,
          timeoutMs: options.readyTimeoutMs,
          giveUp: () => (child.isRunning() ? undefined : 'exited'),
        }),
      ),
    );
    const supervisors = [createOrder.supervise(), processOrder.supervise(), sweepOrders.supervise()];
    await warmUp;

    const provisioning = {
      apiEndpoint: pubsub,
      projectId: options.projectId,
      topic: options.topic,
      deadLetterTopic: options.deadLetterTopic,
      subscription: options.subscription,
      // The topic in the path is how functions-framework names the topic for a push
      // without ce-* headers (Google's emulator sends the plain {message, subscription}).
      pushEndpoint: `${urls.processOrder}projects/${options.projectId}/topics/${options.topic}`,
      // Bundled: Eventarc's retry policy (10-600 s) and 5 attempts, as deployed; the
      // emulator honours the policy exactly, so a processOrder restart uses up one or two
      // attempts, and what does dead-letter is republished by the sweeper's drain.
      // Google's emulator stalls redelivery under a retry policy (17 of 100 messages in
      // 40 s) and without one retries about once a second, so 5 attempts were used up
      // during a restart (95 of 100 messages dead-lettered): there, no policy and 100
      // attempts (the service's maximum).
      ...(emulators.backend === 'google' ? { retryPolicy: null, maxDeliveryAttempts: 100 } : {}),
    };
    const provision = () => deps.provisionPubSub(provisioning);
    await provision();
    afterEmulatorRestart.pubsub = provision;
    afterEmulatorRestart.firestore = async () => void (await deps.warmUpFirestore(firestore));

    // An emulator outside this process (Google's, or one reused from PUBSUB_EMULATOR_HOST)
    // may restart with nothing in it: before each pass, the topic and subscriptions are
    // created again where missing (existing ones are kept), so the sweeper never meets NOT_FOUND.
    const inProcessPubSub = !options.pubsubEmulatorHost && emulators.backend === 'bundled';
    sweepSchedule = startSweepSchedule({ url: sweepUrl, intervalMs: sweepIntervalMs, log: deps.log, ...(inProcessPubSub ? {} : { beforePass: provision }) });
    deps.log(`[stack] recovery sweeper on ${sweepUrl}, called every ${sweepIntervalMs} ms`);
    const readyMs = Date.now() - started;
    deps.log(`[stack] ready in ${readyMs} ms`);
    return {
      urls,
      options,
      reused: { pubsub: Boolean(options.pubsubEmulatorHost), firestore: Boolean(options.firestoreEmulatorHost) },
      emulators,
      sweepUrl,
      pids: {
        get createOrder() {
          return supervisors[0]!.pid;
        },
        get processOrder() {
          return supervisors[1]!.pid;
        },
        get sweepOrders() {
          return supervisors[2]!.pid;
        },
      },
      failure,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function settledOrThrow<T>(results: readonly [PromiseSettledResult<T>, PromiseSettledResult<T>]): [T, T] {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return [(results[0] as PromiseFulfilledResult<T>).value, (results[1] as PromiseFulfilledResult<T>).value];
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
    OTEL_EXPORTER_OTLP_ENDPOINT: urls.otlpHttp,
    // Off GCP, Google auth would otherwise probe a metadata server at start-up.
    METADATA_SERVER_DETECTION: 'none',
  };
  // A signal-specific endpoint or protocol left in the shell would win over ours.
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL;
  delete env.OTEL_EXPORTER_OTLP_PROTOCOL;
  return env;
}

/**
 * What makes functions-framework, which has no host option, bind `host`: the
 * listenOnHost preload, through NODE_OPTIONS so that it reaches the framework's process
 * whether the stack starts it or a front end does (--platform cloud-run).
 */
function listenOn(host: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { LISTEN_HOST: host, NODE_OPTIONS: [env.NODE_OPTIONS, `--require "${LISTEN_ON_HOST}"`].filter(Boolean).join(' ') };
}

/** The address a client uses to reach a server bound to `host`: a wildcard is reached on the loopback. */
export function connectHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

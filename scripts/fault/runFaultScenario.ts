import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { findUnreachable } from '../cli/findUnreachable';
import { firestoreStatusReader } from '../load/firestoreStatusReader';
import { findFreePort } from '../stack/assertPortsFree';
import { provisionPubSub } from '../stack/provisionPubSub';
import { startChild } from '../stack/startChild';
import type { RunningChild } from '../stack/startChild';
import { startSweepSchedule } from '../stack/startSweepSchedule';
import { waitForHttp } from '../stack/waitForHttp';
import type { FaultPlan } from './faultPlan';
import { sendOrdersAtRate } from './sendOrdersAtRate';

export interface FaultScenarioOptions {
  readonly fault: FaultPlan;
  readonly ratePerSecond: number;
  readonly loadMs: number;
  /** The push subscription's retry policy (production: Eventarc's 10 s .. 600 s). */
  readonly retryPolicy: { readonly minimumBackoffMs: number; readonly maximumBackoffMs: number };
  readonly sweepIntervalMs: number;
  /** The sweeper's SWEEP_* and the functions' DEPENDENCY_TIMEOUT_MS etc. */
  readonly functionEnv: Readonly<Record<string, string>>;
  /** How long to wait after the load for every accepted order to be processed. */
  readonly settleTimeoutMs: number;
  /** First of five consecutive ports; 0: free ports. */
  readonly portBase: number;
  readonly log: (line: string) => void;
}

export interface FaultScenarioReport {
  readonly accepted: number;
  readonly acceptedProcessed: number;
  /** 503s that named an order: stored (and then expected processed) or, for an unknown outcome, maybe not. */
  readonly kept: number;
  readonly keptStored: number;
  readonly keptProcessed: number;
  /** Orders whose processing took effect more than once (must be empty). */
  readonly processedTwice: string[];
  /** Accepted orders not processed when the wait ended (must be empty). */
  readonly lost: string[];
  /** From the end of the load until the last accepted (or stored) order was processed. */
  readonly settledAfterMs: number | undefined;
  /** What the sweeper logged doing. */
  readonly sweeper: { readonly passes: number; readonly deadLettersRepublished: number; readonly stuckRepublished: number; readonly unpublishedRepublished: number };
}

const PROJECT = 'demo-fault';
const TOPIC = 'orders';
const ROOT = path.resolve(__dirname, '..', '..', '..');
const FF_MAIN = path.join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');

/**
 * The order pipeline as separate processes on loopback (both emulators, createOrder,
 * processOrder, the sweeper and its schedule), an open-loop load, and one fault on
 * the way. Then it waits, with nobody acting, until every accepted order is processed
 * (or the wait ends), and reports accepted vs processed and any double effect. The
 * fault is real: SIGSTOP/SIGCONT/SIGKILL of processes this run started.
 */
export async function runFaultScenario(options: FaultScenarioOptions): Promise<FaultScenarioReport> {
  const children: RunningChild[] = [];
  const processedLines = new Map<string, number>();
  const sweeperLines: string[] = [];
  const port = async (i: number) => (options.portBase ? options.portBase + i : findFreePort('127.0.0.1'));
  const [pubsubPort, firestorePort, createPort, processPort, sweepPort] = [await port(0), await port(1), await port(2), await port(3), await port(4)];
  const hosts = { pubsub: `127.0.0.1:${pubsubPort}`, firestore: `127.0.0.1:${firestorePort}` };
  const spawn = (name: string, args: string[], env: NodeJS.ProcessEnv = process.env, onLine: (line: string) => void = () => undefined): RunningChild => {
    const child = startChild({ name, command: process.execPath, args, env, cwd: ROOT, log: onLine });
    children.push(child);
    return child;
  };
  const functionEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    ORDERS_TOPIC: TOPIC,
    FIRESTORE_EMULATOR_HOST: hosts.firestore,
    PUBSUB_EMULATOR_HOST: hosts.pubsub,
    OTEL_TRACES_EXPORTER: 'none',
    METADATA_SERVER_DETECTION: 'none',
    ...options.functionEnv,
  };
  const startFunction = (target: string, fnPort: number, onLine?: (line: string) => void): RunningChild =>
    spawn(target, [FF_MAIN, `--target=${target}`, `--port=${fnPort}`, `--source=${ROOT}`, ...(target === 'processOrder' ? ['--signature-type=cloudevent'] : [])], { ...functionEnv, OTEL_SERVICE_NAME: target }, onLine);
  const countProcessed = (line: string): void => {
    const entry = jsonOf(line);
    if (entry?.message === 'order processed' && typeof entry.orderId === 'string') processedLines.set(entry.orderId, (processedLines.get(entry.orderId) ?? 0) + 1);
  };
  const ready = (child: RunningChild, url: string) => waitForHttp(`${url}robots.txt`, { part: child.name, timeoutMs: 30_000, giveUp: () => (child.isRunning() ? undefined : 'exited') });

  let schedule: ReturnType<typeof startSweepSchedule> | undefined;
  const reader = firestoreStatusReader(hosts.firestore, PROJECT);
  try {
    const pubsub = spawn('pubsub', [path.join(ROOT, 'dist/scripts/pubsubEmulator/main.js'), `--port=${pubsubPort}`, '--host=127.0.0.1']);
    const firestore = spawn('firestore', [path.join(ROOT, 'dist/scripts/firestoreEmulator/main.js'), `--port=${firestorePort}`, '--host=127.0.0.1']);
    await Promise.all([listening(pubsubPort), listening(firestorePort)]);
    const urls = { create: `http://127.0.0.1:${createPort}/`, process: `http://127.0.0.1:${processPort}/`, sweep: `http://127.0.0.1:${sweepPort}/` };
    const createOrder = startFunction('createOrder', createPort);
    let processOrder = startFunction('processOrder', processPort, countProcessed);
    const sweepOrders = startFunction('sweepOrders', sweepPort, (line) => sweeperLines.push(line));
    await Promise.all([ready(createOrder, urls.create), ready(processOrder, urls.process), ready(sweepOrders, urls.sweep)]);
    await provisionPubSub({
      apiEndpoint: hosts.pubsub,
      projectId: PROJECT,
      topic: TOPIC,
      deadLetterTopic: `${TOPIC}-dead-letter`,
      subscription: `${TOPIC}-processOrder`,
      pushEndpoint: urls.process,
      retryPolicy: options.retryPolicy,
    });
    schedule = startSweepSchedule({ url: urls.sweep, intervalMs: options.sweepIntervalMs, log: options.log });

    const fault = options.fault;
    const signal = (child: RunningChild, sig: NodeJS.Signals) => {
      if (child.pid !== undefined && child.isRunning()) process.kill(child.pid, sig);
      options.log(`[fault] ${sig} ${child.name} (pid ${child.pid ?? '?'}) at ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);
    };
    const loadStarted = Date.now();
    const injected = (async () => {
      await delay(fault.atMs);
      if (fault.kind === 'freeze-process') {
        signal(processOrder, 'SIGSTOP');
        await delay(fault.forMs);
        signal(processOrder, 'SIGCONT');
      } else if (fault.kind === 'freeze-emulators') {
        signal(pubsub, 'SIGSTOP');
        signal(firestore, 'SIGSTOP');
        await delay(fault.forMs);
        signal(pubsub, 'SIGCONT');
        signal(firestore, 'SIGCONT');
      } else {
        const frozen = processOrder;
        signal(frozen, 'SIGSTOP');
        await delay(fault.frozenForMs);
        signal(frozen, 'SIGKILL');
        await frozen.exited;
        await delay(fault.restartAfterMs);
        // What the platform does for a dead instance: a new one on the same URL.
        processOrder = startFunction('processOrder', processPort, countProcessed);
        options.log(`[fault] new processOrder (pid ${processOrder.pid ?? '?'}) started at ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);
      }
    })();
    const sent = await sendOrdersAtRate(urls.create, options.ratePerSecond, options.loadMs);
    await injected;
    const loadEnded = Date.now();
    options.log(`[load] ${sent.accepted.length} accepted, ${sent.kept.length} answered 503 with an order id, ${sent.refused} refused`);

    let settledAfterMs: number | undefined;
    let statuses = new Map<string, string | undefined>();
    const all = [...sent.accepted, ...sent.kept];
    for (let lastReport = 0; ; ) {
      statuses = new Map(await reader.read(all));
      // Accepted orders, and the stored ones behind a 503 (the sweeper publishes those too).
      const waiting =
        sent.accepted.filter((id) => statuses.get(id) !== 'processed').length + sent.kept.filter((id) => statuses.get(id) === 'received').length;
      if (waiting === 0) {
        settledAfterMs = Date.now() - loadEnded;
        break;
      }
      if (Date.now() - loadEnded > options.settleTimeoutMs) break;
      if (Date.now() - lastReport >= 10_000) {
        options.log(`[wait] ${waiting} orders not processed yet, ${((Date.now() - loadEnded) / 1000).toFixed(0)} s after the load`);
        lastReport = Date.now();
      }
      await delay(1000);
    }
    // A straggling duplicate delivery would show up in this time.
    await delay(Math.min(2 * options.sweepIntervalMs, 5000));
    const keptStored = sent.kept.filter((id) => statuses.get(id) !== undefined);
    const count = (text: string) => sweeperLines.filter((line) => line.includes(text)).length;
    return {
      accepted: sent.accepted.length,
      acceptedProcessed: sent.accepted.filter((id) => statuses.get(id) === 'processed').length,
      kept: sent.kept.length,
      keptStored: keptStored.length,
      keptProcessed: keptStored.filter((id) => statuses.get(id) === 'processed').length,
      processedTwice: [...processedLines].filter(([, n]) => n > 1).map(([id]) => id),
      lost: sent.accepted.filter((id) => statuses.get(id) !== 'processed'),
      settledAfterMs,
      sweeper: {
        passes: schedule.passes().started,
        deadLettersRepublished: count('dead-lettered order published again'),
        stuckRepublished: count('published order not processed in time'),
        unpublishedRepublished: count('pending order republished'),
      },
    };
  } finally {
    await schedule?.close();
    await reader.close().catch(() => undefined);
    for (const child of children) if (child.pid !== undefined && child.isRunning()) process.kill(child.pid, 'SIGCONT');
    await Promise.all(children.map((child) => child.stop(5000)));
  }
}

function jsonOf(line: string): Record<string, unknown> | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(line.slice(start)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Resolves once something accepts TCP connections on the port. */
async function listening(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await findUnreachable([{ what: 'emulator', address: `127.0.0.1:${port}` }])).length > 0) {
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await delay(100);
  }
}

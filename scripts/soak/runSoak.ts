import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { firestoreStatusReader } from '../load/firestoreStatusReader';
import { latencyStats } from '../load/latencyStats';
import { runLoad } from '../load/runLoad';
import { sendOrder } from '../load/sendOrder';
import { startClientTracing } from '../load/startClientTracing';
import { summarizeLoad } from '../load/summarizeLoad';
import { traceQueryClient } from '../load/traceQueryClient';
import type { OrderToVerify } from '../load/verifyOrders';
import { verifyOrders } from '../load/verifyOrders';
import { FREE_PORT_ARGS, parseStackOptions } from '../stack/parseStackOptions';
import { startCollectorProcess } from '../stack/startCollectorProcess';
import { startStack } from '../stack/startStack';
import type { Stack } from '../stack/startStack';
import type { MemorySampler } from './memorySampler';
import { startMemorySampler } from './memorySampler';
import { bounded } from './bounded';
import { onInterrupt } from './onInterrupt';
import { SoakError } from './soakError';
import type { SoakFunction, SoakPlan, SoakSummary } from './summarizeSoak';
import { SOAK_FUNCTIONS, plannedOrders, summarizeSoak } from './summarizeSoak';

export interface SoakSettings extends SoakPlan {
  readonly requestTimeoutMs: number;
}

export interface SoakDeps {
  /** Progress and phase lines. */
  readonly log: (line: string) => void;
  /** Progress line period (default 10 s). */
  readonly progressEveryMs?: number;
}

const HEAP_REPORTER = path.join(__dirname, 'heapReporter.js');
/** Stack output kept for a failure message (the functions' own error lines). */
const KEEP_LOG_LINES = 40;

/**
 * The soak, programmatically: its own stack on free ports, a fixed-rate traced load for
 * `minutes`, memory readings of both function processes throughout, then every order
 * checked. Every phase is bounded (start-up by the stack's ready timeout, sending by
 * `minutes` plus one request timeout, checking by `verifyS`), and the stack it started
 * is always closed. Throws SoakError when the stack dies or a phase overruns.
 */
export async function runSoak(settings: SoakSettings, deps: SoakDeps): Promise<SoakSummary> {
  const heapDir = await mkdtemp(path.join(os.tmpdir(), 'soak-heap-'));
  const stackLog: string[] = [];
  const keep = (line: string): void => {
    stackLog.push(line);
    if (stackLog.length > KEEP_LOG_LINES) stackLog.shift();
  };
  const planned = plannedOrders(settings);
  // The stack provisions Pub/Sub from this process; off GCP Google auth would probe a
  // metadata server first (and warn). Our own emulators, never the shell's; traced.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PUBSUB_EMULATOR_HOST: '',
    FIRESTORE_EMULATOR_HOST: '',
    OTEL_SDK_DISABLED: 'false',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(HEAP_REPORTER)}`.trim(),
    SOAK_HEAP_DIR: heapDir,
    SOAK_HEAP_SAMPLE_MS: String(settings.sampleMs),
  };
  deps.log(`starting a stack on free ports (heap reporter → ${heapDir})…`);
  const interrupt = onInterrupt(deps.log);
  // Bundled emulators on every machine: the soak watches the functions' memory, and
  // Google's emulators' JVMs would add seconds to each start for nothing measured.
  const starting = startStack(parseStackOptions([...FREE_PORT_ARGS, '--emulators=bundled'], env), {
    env,
    log: keep,
    // Every order's trace must still be there when the run is checked: the collector's
    // default store (10,000 traces, oldest evicted) is smaller than a 10-minute soak.
    startCollector: (options) => startCollectorProcess({ ...options, maxTraces: Math.max(10_000, planned + 1000) }),
  });
  let stack: Stack;
  try {
    stack = await Promise.race([starting, interrupt.interrupted]);
  } catch (err) {
    // Interrupted during start-up: the stack still comes up (or fails) within its ready
    // timeout, and must not be left running.
    await starting.then((s) => s.close(), () => undefined);
    interrupt.remove();
    await rm(heapDir, { recursive: true, force: true });
    throw err;
  }
  const died = stack.failure.then((err) => {
    throw new SoakError(`${err.message}\n${stackLog.join('\n')}`);
  });
  died.catch(() => undefined);
  const stopped = Promise.race([died, interrupt.interrupted]);

  let sampler: MemorySampler | undefined;
  const tracing = startClientTracing(stack.urls.otlpGrpc, planned);
  const statuses = firestoreStatusReader(stack.urls.firestore, stack.options.projectId);
  try {
    const pids = functionPids(stack.pids);
    deps.log(`stack ready: createOrder pid ${pids.createOrder}, processOrder pid ${pids.processOrder}; sending ${settings.rate}/s for ${settings.minutes} min (${planned} orders)`);

    const t0 = Date.now();
    sampler = startMemorySampler({ pids, everyMs: settings.sampleMs, t0, heapDir });
    let started = 0;
    let answered = 0;
    let errors = 0;
    let windowLatencies: number[] = [];
    let lastAnswered = 0;
    let lastAt = t0;
    const progress = setInterval(() => {
      const now = Date.now();
      const p50 = latencyStats(windowLatencies).p50;
      const rate = ((answered - lastAnswered) * 1000) / Math.max(1, now - lastAt);
      const memory = SOAK_FUNCTIONS.map((name) => {
        const m = sampler?.latest(name);
        const heap = m?.heapUsedMB === undefined ? '' : `/heap ${m.heapUsedMB.toFixed(1)}`;
        return `${name} RSS ${m ? m.rssMB.toFixed(1) : '?'}${heap} MB`;
      }).join(', ');
      deps.log(
        `[${((now - t0) / 1000).toFixed(0).padStart(4)} s] sent ${started}/${planned}, errors ${errors}, in flight ${started - answered}, ` +
          `${rate.toFixed(1)}/s, p50 ${Number.isFinite(p50) ? p50.toFixed(1) : '–'} ms | ${memory}`,
      );
      windowLatencies = [];
      lastAnswered = answered;
      lastAt = now;
    }, deps.progressEveryMs ?? 10_000);

    const loadMs = settings.minutes * 60_000;
    const run = await Promise.race([
      bounded(
        runLoad(
          { orders: planned, concurrency: settings.concurrency, rate: settings.rate, maxDurationMs: loadMs },
          (index) => {
            started++;
            return sendOrder(index, { target: stack.urls.createOrder, timeoutMs: settings.requestTimeoutMs, tracing });
          },
          (result) => {
            answered++;
            if (result.error) errors++;
            windowLatencies.push(result.latencyMs);
          },
        ),
        // Sending stops at `minutes`; what is in flight ends by its own request timeout.
        loadMs + settings.requestTimeoutMs + 5_000,
        'the load phase',
      ),
      stopped,
    ]).finally(() => clearInterval(progress));
    await sampler.stop();

    // Our client spans must reach the collector before we ask for complete traces.
    await tracing.flush();
    const accepted: OrderToVerify[] = run.results.flatMap((r) =>
      !r.error && r.orderId && r.traceId && r.clientSpanId ? [{ orderId: r.orderId, traceId: r.traceId, clientSpanId: r.clientSpanId }] : [],
    );
    deps.log(`sent ${run.results.length} orders (${accepted.length} accepted); checking traces and Firestore (at most ${settings.verifyS} s)…`);
    const verifyStarted = Date.now();
    let lastRound = 0;
    const verifyMs = settings.verifyS * 1000;
    const verifications = await Promise.race([
      bounded(
        verifyOrders(
          accepted,
          {
            fetchTrace: traceQueryClient(stack.urls.query),
            readStatuses: (ids) => statuses.read(ids),
            onRound: (done, all) => {
              if (Date.now() - lastRound < 5_000 && done < all) return;
              lastRound = Date.now();
              deps.log(`verified ${done}/${all} (${((Date.now() - verifyStarted) / 1000).toFixed(1)} s)`);
            },
          },
          // Polling stops at the deadline; a round under way may overrun it a little, the race below may not.
          { waitMs: Math.max(0, verifyMs - 5_000) },
        ),
        verifyMs,
        'verification',
      ),
      stopped,
    ]);

    const load = summarizeLoad({
      target: stack.urls.createOrder,
      traces: stack.urls.query,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      results: run.results,
      verifications,
      processedFrom: 'firestore',
      maxErrorRate: 0,
    });
    return summarizeSoak({ startedAt: t0, plan: pickPlan(settings), pids, samples: sampler.samples, load });
  } finally {
    interrupt.remove();
    await sampler?.stop();
    await tracing.shutdown().catch(() => undefined);
    await statuses.close().catch(() => undefined);
    await stack.close();
    await rm(heapDir, { recursive: true, force: true });
  }
}

function functionPids(pids: { readonly createOrder: number | undefined; readonly processOrder: number | undefined }): Record<SoakFunction, number> {
  if (pids.createOrder === undefined || pids.processOrder === undefined) throw new SoakError('the stack did not report both function pids');
  return { createOrder: pids.createOrder, processOrder: pids.processOrder };
}

function pickPlan(s: SoakSettings): SoakPlan {
  return { minutes: s.minutes, rate: s.rate, concurrency: s.concurrency, sampleMs: s.sampleMs, warmupS: s.warmupS, verifyS: s.verifyS, rule: s.rule };
}

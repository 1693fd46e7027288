import { readFile } from 'node:fs/promises';
import type { Collector, CollectorOptions } from '../collector/startCollector';
import { FREE_PORT_ARGS, parseStackOptions } from '../stack/parseStackOptions';
import { startCollectorProcess } from '../stack/startCollectorProcess';
import { startStack } from '../stack/startStack';
import type { Stack } from '../stack/startStack';

export interface BenchStackExtras {
  /** `host:port` of emulators already running (their own processes), instead of in-process ones. */
  readonly emulators?: { readonly pubsub: string; readonly firestore: string };
  /** Added to the function processes' environment (e.g. FLUSH_MODE). */
  readonly functionEnv?: Readonly<Record<string, string>>;
  /**
   * Wraps the collector process the stack starts: what it returns is what the functions
   * export to (the RTT benchmark puts a delay proxy in front of it).
   */
  readonly wrapCollector?: (collector: Collector) => Promise<Collector>;
}

export interface BenchStack extends Stack {
  /** pid of the stack's collector process. */
  readonly collectorPid: number | undefined;
}

/**
 * A whole stack on free ports (a developer's `npm start` keeps its ports), its own
 * emulators unless given some, quiet. `traced: false` is the untraced baseline:
 * OTEL_SDK_DISABLED=true.
 */
export async function startBenchStack(traced: boolean, extras: BenchStackExtras = {}): Promise<BenchStack> {
  // The stack provisions Pub/Sub from this process; off GCP, Google auth would probe
  // a metadata server first (and warn).
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PUBSUB_EMULATOR_HOST: extras.emulators?.pubsub ?? '',
    FIRESTORE_EMULATOR_HOST: extras.emulators?.firestore ?? '',
    ...extras.functionEnv,
    OTEL_SDK_DISABLED: traced ? 'false' : 'true',
  };
  let collectorPid: number | undefined;
  const startCollector = async (options: CollectorOptions): Promise<Collector & { readonly exited?: Promise<unknown> }> => {
    const collector = await startCollectorProcess(options);
    collectorPid = collector.pid;
    if (!extras.wrapCollector) return collector;
    const wrapped = await extras.wrapCollector(collector).catch(async (error: unknown) => {
      await collector.close();
      throw error;
    });
    return { ...wrapped, exited: collector.exited };
  };
  // Bundled emulators on every machine (unless given running ones), so figures compare
  // across machines and runs.
  const stack = await startStack(parseStackOptions([...FREE_PORT_ARGS, '--emulators=bundled'], env), { env, log: () => undefined, startCollector });
  return { ...stack, collectorPid };
}

/** Peak resident set (VmHWM) of a process in KiB, from /proc; undefined off Linux. */
export async function peakRssKiB(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/* eslint-disable @typescript-eslint/no-require-imports --
   Tracing must be set up before the Google client libraries load (the gRPC patch must be
   in place first), so the dependencies are required only after initTracing. */
import { loadConfig } from '../../shared/config';
import { republishPending } from '../../shared/orders/republishPending';
import { initTracing } from '../../shared/tracing/tracing';
import type { SweepOptions } from './parseSweepOptions';

/**
 * One sweep with the functions' own store and publisher: lists the pending orders,
 * publishes each in its original trace, prints one line per order and a summary,
 * and flushes the spans. Resolves to the exit code (0 all done, 1 some failed).
 */
export async function runSweep(options: SweepOptions, env: NodeJS.ProcessEnv = process.env, out: (line: string) => void = console.log): Promise<number> {
  // The client libraries read the emulator hosts from the process environment themselves.
  if (options.firestore) env.FIRESTORE_EMULATOR_HOST = options.firestore;
  if (options.pubsub) env.PUBSUB_EMULATOR_HOST = options.pubsub;
  // Against the emulators alone, Google auth has nothing to look up: no metadata-server probe.
  if (env.FIRESTORE_EMULATOR_HOST && env.PUBSUB_EMULATOR_HOST) env.METADATA_SERVER_DETECTION ??= 'none';
  const config = loadConfig({ OTEL_SERVICE_NAME: 'order-sweeper', ...env }, []);
  const tracing = initTracing(config.tracing);
  const { createDependencies } = require('../../functions/dependencies') as typeof import('../../functions/dependencies');
  const deps = createDependencies(config);
  const mode = options.dryRun ? ' (dry run: nothing changes)' : '';
  out(`Sweeping ${config.ordersCollection} for unpublished orders older than ${options.olderThanMs} ms, at most ${options.limit}${mode}`);
  try {
    const result = await republishPending(deps, options, (orderId, outcome) => out(`  ${outcome.padEnd(11)} ${orderId}`));
    if (options.dryRun) for (const orderId of result.republished) out(`  would publish ${orderId}`);
    out(
      `found ${result.found}; ${options.dryRun ? 'would publish' : 'published'} ${result.republished.length}, ` +
        `recorded as published (already processed) ${result.recordedOnly.length}, failed ${result.failed.length}`,
    );
    for (const failure of result.failed) out(`  failed ${failure.orderId}: ${failure.error}`);
    return result.failed.length === 0 ? 0 : 1;
  } finally {
    await tracing.shutdown();
  }
}

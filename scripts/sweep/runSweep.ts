/* eslint-disable @typescript-eslint/no-require-imports --
   Tracing must be set up before the Google client libraries load (the gRPC patch must be
   in place first), so the dependencies are required only after initTracing. */
import { ConfigError, loadConfig } from '../../shared/config';
import type { SweepEvent } from '../../shared/recovery/sweepOnce';
import { initTracing } from 'cloud-functions-otel-tracing/internal/tracing';
import { missingTarget } from './checkReachable';
import type { SweepOptions } from './parseSweepOptions';

/** Exit code when the stack or the credentials are missing (nothing was attempted). */
export const EXIT_UNREACHABLE = 3;

/**
 * One recovery pass with the functions' own store, publisher and dead-letter source
 * (sweepOnce, as the sweep-orders function runs it): one line per order or dead letter
 * it touched, a summary, and the spans flushed. Resolves to the exit code: 0 settled,
 * 1 something left for the next run, 2 a bad setting, 3 no stack or no credentials.
 */
export async function runSweep(
  options: SweepOptions,
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
  hasCredentials: () => Promise<boolean> = googleCredentialsFound,
): Promise<number> {
  // The client libraries read the emulator hosts from the process environment themselves.
  if (options.project !== undefined) env.GOOGLE_CLOUD_PROJECT = options.project;
  for (const [name, host] of [['FIRESTORE_EMULATOR_HOST', options.firestore], ['PUBSUB_EMULATOR_HOST', options.pubsub]] as const) {
    if (host) env[name] = host;
    else delete env[name];
  }
  // Against the emulators alone, Google auth has nothing to look up: no metadata-server probe.
  if (env.FIRESTORE_EMULATOR_HOST && env.PUBSUB_EMULATOR_HOST) env.METADATA_SERVER_DETECTION ??= 'none';
  const missing = await missingTarget(options, hasCredentials);
  if (missing) {
    err(missing);
    return EXIT_UNREACHABLE;
  }
  let config;
  try {
    config = loadConfig({ OTEL_SERVICE_NAME: 'order-sweeper', ...env }, []);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(`Bad setting: ${error.message}`);
    return 2;
  }
  const tracing = initTracing(config.tracing);
  const { createDependencies } = require('../../functions/dependencies') as typeof import('../../functions/dependencies');
  const { createSweepDependencies } = require('../../functions/sweepDependencies') as typeof import('../../functions/sweepDependencies');
  const { sweepOnce, summarizeSweep } = require('../../shared/recovery/sweepOnce') as typeof import('../../shared/recovery/sweepOnce');
  try {
    const deps = createSweepDependencies(createDependencies(config), env);
    const settings = { ...deps.sweep, unpublishedAfterMs: options.olderThanMs, stuckAfterMs: options.stuckAfterMs, limit: options.limit, deadLetterLimit: options.limit };
    const where = options.project ? `project ${config.projectId}` : `the local stack (Firestore ${options.firestore}, Pub/Sub ${options.pubsub}, project ${config.projectId})`;
    out(
      `Sweeping ${where}: unpublished after ${settings.unpublishedAfterMs} ms, stuck after ${settings.stuckAfterMs} ms, ` +
        `dead letters from ${settings.deadLetterSubscription}${options.dryRun ? ' (dry run: nothing changes)' : ''}`,
    );
    const report = await sweepOnce(deps, settings, { dryRun: options.dryRun }, (event) => out(`  ${describe(event, options.dryRun)}`));
    if (options.dryRun) {
      for (const orderId of [...(report.unpublished?.republished ?? []), ...(report.stuck?.republished ?? [])]) out(`  would publish ${orderId}`);
    }
    out(summarizeSweep(report));
    for (const failure of report.partFailures) err(`  ${failure.part} not swept: ${failure.error.split('\n')[0]}`);
    return report.ok ? 0 : 1;
  } finally {
    // The exit code says whether work is left; spans that could not be exported change nothing in Firestore or Pub/Sub.
    await tracing.shutdown().catch((error: unknown) => err(`  spans not exported (${(error as Error).message}); the exit code is the sweep's own`));
  }
}

function describe(event: SweepEvent, dryRun: boolean): string {
  const id = event.kind === 'dead-letter' ? `message ${event.messageId}` : event.orderId;
  const outcome = dryRun && event.outcome === 'republished' ? 'would publish' : event.outcome;
  return `${event.kind.padEnd(11)} ${outcome.padEnd(17)} ${id}`;
}

/** Application-default credentials exist (a key file, gcloud's ADC, or a metadata server). */
async function googleCredentialsFound(): Promise<boolean> {
  const { GoogleAuth } = require('google-auth-library') as typeof import('google-auth-library');
  try {
    await Promise.race([
      new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getAccessToken(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 10_000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

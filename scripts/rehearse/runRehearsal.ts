import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { functionDeployments } from '../deploy/functionDeployments';
import { FREE_PORT_ARGS, parseStackOptions } from '../stack/parseStackOptions';
import { functionEnv, startStack } from '../stack/startStack';
import type { Cleanups } from './cleanups';
import { copyUpload } from './copyUpload';
import type { UploadCopy } from './copyUpload';
import { installLikeBuildpack } from './installLikeBuildpack';
import { listUploadFiles } from './listUploadFiles';
import { measureColdStart } from './measureColdStart';
import { measureNodeModules } from './measureNodeModules';
import type { NodeModulesSize } from './measureNodeModules';
import type { RehearseOptions } from './parseRehearseOptions';
import { RehearsalFailure, postRehearsalOrder } from './postRehearsalOrder';
import { REHEARSAL_SETTINGS, describeOverrides, rehearsalBaseEnv } from './rehearsalEnv';

export interface RehearsalSummary {
  /** The temporary folder the upload was installed in (removed unless --keep). */
  readonly dir: string;
  readonly kept: boolean;
  readonly upload: UploadCopy;
  readonly nodeModules: NodeModulesSize;
  /** Deployed variables the local stack changed, `NAME: deployed → rehearsed`. */
  readonly overrides: readonly string[];
  readonly orderId: string;
  readonly traceId: string;
  readonly firstRequestMs: number;
  readonly firstEventMs: number | undefined;
  /** Spawn → first 2xx, one entry per fresh process. */
  readonly coldStartMs: { readonly createOrder: readonly number[]; readonly processOrder: readonly number[] };
  /** pids of the stack's function processes (all stopped by the time this returns). */
  readonly pids: readonly number[];
}

export interface RehearsalIo {
  /** One line per step. */
  readonly progress: (line: string) => void;
  /** Everything else: npm's output, the stack's and the functions' logs. */
  readonly log: (line: string) => void;
  readonly cleanups: Cleanups;
}

/**
 * Builds the upload gcloud would send, installs it as the buildpack would, starts both
 * functions from it against the local emulators and collector, posts an order and checks
 * its trace, then measures cold starts. Throws on the first thing that fails; whatever it
 * started is undone by `io.cleanups` (run here, and by the CLI on a signal).
 */
export async function runRehearsal(options: RehearseOptions, io: RehearsalIo): Promise<RehearsalSummary> {
  const { progress, log, cleanups } = io;
  try {
    progress(`[1/5] upload: files of ${options.source} that .gcloudignore lets through`);
    const files = await listUploadFiles(options.source);
    const dir = await mkdtemp(path.join(options.workDir, 'rehearse-'));
    if (!options.keep) cleanups.add(() => rm(dir, { recursive: true, force: true }));
    const upload = await copyUpload(options.source, files, dir);
    progress(`      ${upload.files} files, ${upload.bytes} bytes → ${dir}`);

    progress('[2/5] install as the buildpack does: npm ci, npm run gcp-build, npm prune --omit=dev');
    await installLikeBuildpack(dir, { timeoutMs: options.installTimeoutMs, log });
    const main = (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { main?: string }).main ?? 'index.js';
    if (!existsSync(path.join(dir, main))) throw new RehearsalFailure(`gcp-build did not produce package.json's main (${main})`);
    const nodeModules = await measureNodeModules(path.join(dir, 'node_modules'));
    progress(`      production node_modules: ${nodeModules.packages} packages, ${nodeModules.bytes} bytes`);

    progress('[3/5] start both functions from the installed upload with the deploy environment');
    const functionsFrameworkMain = path.join(dir, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
    if (!existsSync(functionsFrameworkMain)) throw new RehearsalFailure('functions-framework is not among the production dependencies');
    const deployments = functionDeployments(REHEARSAL_SETTINGS);
    const base = rehearsalBaseEnv(deployments, process.env, process.execPath);
    const stackOptions = parseStackOptions(
      [...FREE_PORT_ARGS, '--emulators=bundled', `--project=${REHEARSAL_SETTINGS.project}`, `--topic=${REHEARSAL_SETTINGS.ordersTopic}`, `--ready-timeout-ms=${options.readyTimeoutMs}`],
      {}, // always our own emulators, never ones named in this shell
    );
    // This process reads Firestore with a Google client; off GCP its auth would probe a metadata server.
    process.env.METADATA_SERVER_DETECTION ??= 'none';
    const stack = await startStack(stackOptions, { repoRoot: dir, functionsFrameworkMain, env: base, log });
    cleanups.add(() => stack.close());
    const env = functionEnv(base, stackOptions, stack.urls);
    const overrides = describeOverrides(deployments[0]!.env, { ...env, OTEL_SERVICE_NAME: '<function name>' });
    for (const line of overrides) progress(`      ${line}`);

    progress('[4/5] post an order; wait for processOrder and the complete trace');
    // A function that dies mid-rehearsal fails it at once rather than at the trace deadline.
    const died = stack.failure.then((err) => Promise.reject(err));
    died.catch(() => undefined);
    const order = await Promise.race([
      postRehearsalOrder({ urls: stack.urls, projectId: REHEARSAL_SETTINGS.project, requestTimeoutMs: 15_000, traceWaitMs: options.traceWaitMs }),
      died,
    ]);
    progress(`      202, order ${order.orderId}, trace ${order.traceId} complete, status processed`);
    // The sweeper from the same bundle, as Cloud Scheduler calls it: one pass, settled.
    const sweep = await fetch(stack.sweepUrl ?? '', { method: 'POST', signal: AbortSignal.timeout(60_000) });
    const report = (await sweep.json().catch(() => undefined)) as { ok?: unknown } | undefined;
    if (sweep.status !== 200 || report?.ok !== true) throw new RehearsalFailure(`the sweeper answered ${sweep.status}: ${JSON.stringify(report)?.slice(0, 300)}`);
    progress('      sweep-orders: one pass, 200, nothing left over');

    progress(`[5/5] cold start: ${options.coldStarts} fresh process(es) per function, spawn → first 2xx`);
    const coldStartMs = { createOrder: [] as number[], processOrder: [] as number[] };
    for (let attempt = 0; attempt < options.coldStarts; attempt++) {
      for (const target of ['createOrder', 'processOrder'] as const) {
        const ms = await measureColdStart(
          { target, dir, functionsFrameworkMain, env, orderId: order.orderId, projectId: REHEARSAL_SETTINGS.project, topic: REHEARSAL_SETTINGS.ordersTopic, timeoutMs: options.readyTimeoutMs },
          attempt,
        );
        coldStartMs[target].push(ms);
        progress(`      ${target}: ${Math.round(ms)} ms`);
      }
    }
    const pids = [stack.pids.createOrder, stack.pids.processOrder].filter((pid): pid is number => pid !== undefined);
    return { dir, kept: options.keep, upload, nodeModules, overrides, ...order, coldStartMs, pids };
  } finally {
    await cleanups.run(log);
  }
}

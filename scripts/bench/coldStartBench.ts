import path from 'node:path';
import { latencyStats } from '../load/latencyStats';
import { orderBody } from '../load/sendOrder';
import { defaultStackDeps, functionEnv } from '../stack/startStack';
import type { BenchResult } from './benchResult';
import { ratio, target } from './benchResult';
import { installPackagedHello } from './installPackagedHello';
import type { PackagedHello } from './installPackagedHello';
import { startBenchStack } from './startBenchStack';
import { timeToFirstAnswer } from './timeToFirstAnswer';
import type { FirstAnswer } from './timeToFirstAnswer';

type ColdVariant = 'traced' | 'untraced' | 'hello' | 'hello-oneimport' | 'hello-zerocode' | 'packaged-traced' | 'packaged-untraced';
const VARIANTS: readonly ColdVariant[] = ['traced', 'untraced', 'hello', 'hello-oneimport', 'hello-zerocode', 'packaged-traced', 'packaged-untraced'];

/**
 * Spawn → first 2xx of a POSTed order, for createOrder traced and untraced and for a
 * bare hello function (the floor): untraced, traced in the one-import mode (its import
 * changed), and traced in zero-code mode (the unmodified file under
 * NODE_OPTIONS="--require <register>"); and the one-import hello in a project of its own
 * with the tracing package installed from its tarball, traced and untraced; in rotating
 * order so each variant sees the same machine conditions. The emulators and collector of
 * one traced stack serve all.
 */
export async function coldStartBench(runs: number, log: (line: string) => void = () => undefined): Promise<BenchResult> {
  log('coldstart: packing the tracing package and installing it in a hello project');
  const packaged = await installPackagedHello(() => undefined);
  const stack = await startBenchStack(true).catch(async (err: unknown) => {
    await packaged.close();
    throw err;
  });
  const deps = defaultStackDeps();
  const times = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<ColdVariant, number[]>;
  const cpu = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<ColdVariant, number[]>;
  try {
    const base = functionEnv(process.env, stack.options, stack.urls);
    for (let run = 0; run < runs; run++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + run) % VARIANTS.length]!);
      for (const variant of order) {
        const answer = await coldStart(variant, base, deps.functionsFrameworkMain, deps.repoRoot, packaged);
        times[variant].push(answer.ms);
        if (answer.cpuMs !== undefined) cpu[variant].push(answer.cpuMs);
      }
      log(`coldstart: run ${run + 1}/${runs}`);
    }
  } finally {
    await stack.close();
    await packaged.close();
  }
  const t = latencyStats(times.traced);
  const u = latencyStats(times.untraced);
  const h = latencyStats(times.hello);
  const tracedVsUntraced = ratio(t.p50, u.p50);
  const z = latencyStats(times['hello-zerocode']);
  const zeroCodeVsHello = ratio(z.p50, h.p50);
  const tCpu = latencyStats(cpu.traced);
  const uCpu = latencyStats(cpu.untraced);
  const hCpu = latencyStats(cpu.hello);
  const zCpu = latencyStats(cpu['hello-zerocode']);
  const o = latencyStats(times['hello-oneimport']);
  const oCpu = latencyStats(cpu['hello-oneimport']);
  const pt = latencyStats(times['packaged-traced']);
  const pu = latencyStats(times['packaged-untraced']);
  const packagedTracedVsUntraced = ratio(pt.p50, pu.p50);
  return {
    name: 'coldstart',
    figures: {
      'traced median ms': t.p50,
      'untraced median ms': u.p50,
      'hello median ms': h.p50,
      'traced/untraced': tracedVsUntraced,
      'untraced/hello': ratio(u.p50, h.p50),
      'traced/hello': ratio(t.p50, h.p50),
      'traced CPU ms to first answer, median': tCpu.p50,
      'untraced CPU ms to first answer, median': uCpu.p50,
      'traced/untraced CPU to first answer': ratio(tCpu.p50, uCpu.p50),
      'hello zero-code median ms': z.p50,
      'hello zero-code/hello': zeroCodeVsHello,
      'hello zero-code/hello CPU to first answer': ratio(zCpu.p50, hCpu.p50),
      'hello one-import median ms': o.p50,
      'hello one-import/hello': ratio(o.p50, h.p50),
      'hello one-import/hello CPU to first answer': ratio(oCpu.p50, hCpu.p50),
      'hello zero-code/one-import': ratio(z.p50, o.p50),
      'hello zero-code/one-import CPU to first answer': ratio(zCpu.p50, oCpu.p50),
      'hello from the tarball, traced median ms': pt.p50,
      'hello from the tarball, untraced median ms': pu.p50,
      'hello from the tarball, traced/untraced': packagedTracedVsUntraced,
      'hello from the tarball, traced/untraced CPU to first answer': ratio(latencyStats(cpu['packaged-traced']).p50, latencyStats(cpu['packaged-untraced']).p50),
      'package tarball bytes (npm pack)': packaged.packedBytes,
      'package unpacked bytes': packaged.unpackedBytes,
    },
    targets: [
      target('traced/untraced median', tracedVsUntraced, 'max', 1.1),
      target('hello zero-code/hello median', zeroCodeVsHello, 'max', 1.1),
      target('hello from the tarball traced/untraced median', packagedTracedVsUntraced, 'max', 1.1),
    ],
    notes: [
      `${runs} spawns per variant, rotating order; time from spawn to the first 2xx answer to a POSTed order`,
      'hello from the tarball: the one-import hello in a project of its own with only the packed package and functions-framework installed; untraced is the same code with OTEL_SDK_DISABLED=true',
      'CPU to first answer: what the process had used (all threads) when its first answer arrived; steadier than the wall clock on a shared machine',
    ],
  };
}

function coldStart(variant: ColdVariant, base: NodeJS.ProcessEnv, ffMain: string, repoRoot: string, packaged: PackagedHello): Promise<FirstAnswer> {
  const hello = variant !== 'traced' && variant !== 'untraced';
  const inPackagedProject = variant === 'packaged-traced' || variant === 'packaged-untraced';
  const fixture = variant === 'hello-oneimport' ? 'helloOneImport.js' : 'hello.js';
  const source = inPackagedProject ? packaged.dir : hello ? path.join(repoRoot, 'scripts/bench/fixtures', fixture) : repoRoot;
  const traced = variant === 'traced' || variant === 'hello-oneimport' || variant === 'hello-zerocode' || variant === 'packaged-traced';
  // Zero-code: the unmodified hello file, traced by the package's register entry alone.
  const zeroCode = variant === 'hello-zerocode' ? { NODE_OPTIONS: `${base.NODE_OPTIONS ?? ''} --require ${require.resolve('cloud-functions-otel-tracing/register')}`.trim() } : {};
  return timeToFirstAnswer({
    name: variant,
    functionsFrameworkMain: inPackagedProject ? packaged.functionsFrameworkMain : ffMain,
    args: [`--target=${hello ? 'hello' : 'createOrder'}`, `--source=${source}`],
    env: { ...base, ...zeroCode, OTEL_SERVICE_NAME: hello ? 'hello' : 'createOrder', OTEL_SDK_DISABLED: traced ? 'false' : 'true' },
    cwd: inPackagedProject ? packaged.dir : repoRoot,
    request: { headers: { 'content-type': 'application/json' }, body: orderBody(0) },
    timeoutMs: 30_000,
  });
}

import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { startCollector } from '../collector/startCollector';
import { latencyStats } from '../load/latencyStats';
import type { BenchResult } from './benchResult';
import { ratio } from './benchResult';
import { installPackagedHello } from './installPackagedHello';
import { timeToFirstAnswer } from './timeToFirstAnswer';

/** Each variant: the fixture functions-framework loads, and what it adds to the environment. */
const VARIANTS = {
  'bare functions-framework hello': { fixture: 'floorHello.js', env: {} },
  '+ @opentelemetry/api and sdk-trace-base': { fixture: 'floorSdk.js', env: {} },
  '+ the OTLP/HTTP protobuf exporter': { fixture: 'floorSdk.js', env: { FLOOR_EXPORTER: 'otlp' } },
  'the package, untraced': { fixture: 'floorPackage.js', env: { OTEL_SDK_DISABLED: 'true' } },
  'the package, traced': { fixture: 'floorPackage.js', env: { OTEL_SDK_DISABLED: 'false' } },
} as const;
type Variant = keyof typeof VARIANTS;
const NAMES = Object.keys(VARIANTS) as Variant[];

/**
 * What each part costs a hello function's cold start, so the cold-start target of the
 * package's hello (traced / untraced) can be read against what cannot be cut: in the
 * project of a stranger that installed the packed package (its own node_modules), spawn →
 * first 2xx of functions-framework alone; with the OpenTelemetry API and the SDK's provider
 * (one span per request, flushed before the answer, to an exporter that does nothing); with
 * the package's OTLP/HTTP protobuf exporter instead (to a local collector); and the package's
 * one-import hello untraced and traced. Each fixture answers with the number of modules the
 * process has loaded; rotating order, medians of the wall clock and of the process's CPU at
 * its first answer.
 */
export async function coldFloorBench(runs: number, log: (line: string) => void = () => undefined): Promise<BenchResult> {
  log('coldfloor: packing the tracing package and installing it in a hello project');
  const packaged = await installPackagedHello(() => undefined);
  const collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0 }).catch(async (err: unknown) => {
    await packaged.close();
    throw err;
  });
  const cpu = Object.fromEntries(NAMES.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const wall = Object.fromEntries(NAMES.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const modules = {} as Record<Variant, number>;
  try {
    const fixtures = path.join(__dirname, '..', '..', '..', 'scripts', 'bench', 'fixtures');
    // Inside the project, so each fixture resolves the packages the stranger installed.
    for (const fixture of new Set(NAMES.map((v) => VARIANTS[v].fixture))) await copyFile(path.join(fixtures, fixture), path.join(packaged.dir, fixture));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.httpPort}`,
      OTEL_SERVICE_NAME: 'hello',
      METADATA_SERVER_DETECTION: 'none',
    };
    for (let run = 0; run < runs; run++) {
      for (let i = 0; i < NAMES.length; i++) {
        const variant = NAMES[(i + run) % NAMES.length]!;
        const answer = await timeToFirstAnswer({
          name: variant,
          functionsFrameworkMain: packaged.functionsFrameworkMain,
          args: ['--target=hello', `--source=${path.join(packaged.dir, VARIANTS[variant].fixture)}`],
          env: { ...env, ...VARIANTS[variant].env },
          cwd: packaged.dir,
          request: { headers: { 'content-type': 'application/json' }, body: '{}' },
          timeoutMs: 30_000,
        });
        wall[variant].push(answer.ms);
        if (answer.cpuMs !== undefined) cpu[variant].push(answer.cpuMs);
        modules[variant] = (JSON.parse(answer.body) as { modules: number }).modules;
      }
      log(`coldfloor: run ${run + 1}/${runs}`);
    }
  } finally {
    await collector.close();
    await packaged.close();
  }
  const cpuOf = (v: Variant): number => latencyStats(cpu[v]).p50;
  const untraced = cpuOf('the package, untraced');
  const figures: Record<string, number> = {};
  for (const v of NAMES) {
    figures[`${v}: modules loaded`] = modules[v];
    figures[`${v}: CPU ms to first answer, median`] = cpuOf(v);
    figures[`${v}: median ms`] = latencyStats(wall[v]).p50;
    figures[`${v}: CPU / the package untraced`] = ratio(cpuOf(v), untraced);
  }
  return {
    name: 'coldfloor',
    figures,
    targets: [],
    notes: [
      `${runs} spawns per variant, rotating order, in one project with the packed package and functions-framework installed`,
      'CPU to first answer: what the process had used (all threads) when its first answer arrived',
      'the "+" variants add to the bare hello; the package untraced is the cold-start target\'s baseline (its entry loads @opentelemetry/api and core even with the SDK off)',
    ],
  };
}

import type { FlagValues } from '../cli/parseFlags';
import type { Billing } from '../frontEnd/parseFrontEndOptions';
import { BILLINGS, MAX_IDLE_SHUTDOWN_S, sampleRate, seconds } from '../frontEnd/parseFrontEndOptions';

/**
 * What the functions run on: `none` (functions-framework processes at full CPU) or
 * `cloud-run` (each behind a local Cloud Run front end: see docs/cloud-run-front-end.md).
 */
export type StackPlatform =
  | { readonly kind: 'none' }
  | { readonly kind: 'cloud-run'; readonly billing: Billing; readonly idleShutdownS: number; readonly sampleRate: number; readonly frontEndArgs: readonly string[] };

export const PLATFORMS = ['none', 'cloud-run'] as const;

/** The stack's flags for the platform (added to its parseFlags options). */
export const PLATFORM_FLAGS = {
  platform: { type: 'string' },
  billing: { type: 'string' },
  'idle-shutdown': { type: 'string' },
  'front-end-sample-rate': { type: 'string' },
} as const;

export const PLATFORM_HELP = `  --platform none|cloud-run  cloud-run puts a local Cloud Run front end before each
                        function (trace headers with its rate-limited sampled flag,
                        SIGSTOP while no request is in flight, scale-in, cold starts;
                        docs/cloud-run-front-end.md)                 (default none)
  --billing request|instance   with cloud-run: request stops each function between
                        requests; instance never does               (default request)
  --idle-shutdown SECONDS      with cloud-run: scale-in after this idle (default 900)
  --front-end-sample-rate R    with cloud-run: sampled requests/s per instance (default 0.1)`;

/** Reads the platform flags; the three cloud-run ones are refused without --platform cloud-run. */
export function parsePlatform(values: FlagValues, usageError: (message: string) => Error): StackPlatform {
  const kind = (values.platform as string | undefined) ?? 'none';
  if (!(PLATFORMS as readonly string[]).includes(kind)) throw usageError(`--platform must be one of ${PLATFORMS.join(', ')}, got "${kind}"`);
  const raw = { billing: values.billing as string | undefined, idle: values['idle-shutdown'] as string | undefined, rate: values['front-end-sample-rate'] as string | undefined };
  if (kind === 'none') {
    const stray = (['billing', 'idle-shutdown', 'front-end-sample-rate'] as const).find((flag) => values[flag] !== undefined);
    if (stray) throw usageError(`--${stray} applies to --platform cloud-run only`);
    return { kind: 'none' };
  }
  const billing = raw.billing ?? 'request';
  if (!BILLINGS.includes(billing as Billing)) throw usageError(`--billing must be one of ${BILLINGS.join(', ')}, got "${billing}"`);
  const idleShutdownS = seconds('--idle-shutdown', raw.idle, 900, MAX_IDLE_SHUTDOWN_S, usageError);
  const rate = sampleRate('--front-end-sample-rate', raw.rate, usageError);
  return {
    kind: 'cloud-run',
    billing: billing as Billing,
    idleShutdownS,
    sampleRate: rate,
    // The values as given (already checked), so the front end reads exactly what was accepted here.
    frontEndArgs: [`--billing=${billing}`, `--idle-shutdown=${raw.idle ?? idleShutdownS}`, `--front-end-sample-rate=${raw.rate ?? rate}`],
  };
}

/** The banner's line about the platform. */
export function describePlatform(platform: StackPlatform): string {
  if (platform.kind === 'none') return 'none: functions-framework at full CPU (--platform cloud-run simulates Cloud Run)';
  return `cloud-run: ${platform.billing}-based billing${platform.billing === 'request' ? ' (stopped between requests)' : ''}, scale-in after ${platform.idleShutdownS} s idle, ${platform.sampleRate} sampled requests/s per instance`;
}

export interface FunctionLaunch {
  /** functions-framework's CLI entry. */
  readonly functionsFrameworkMain: string;
  /** The front end's compiled entry (dist/scripts/frontEnd.js). */
  readonly frontEndMain: string;
  readonly target: string;
  /** The port callers (and Pub/Sub pushes) use. */
  readonly port: number;
  readonly source: string;
  readonly extra: readonly string[];
}

/**
 * The node arguments that start one stack function: functions-framework on the port, or
 * the front end on the port with functions-framework behind it (which then listens on the
 * internal port the front end gives it as PORT, one per instance).
 */
export function functionArgs(platform: StackPlatform, f: FunctionLaunch): string[] {
  const framework = [f.functionsFrameworkMain, `--target=${f.target}`, `--source=${f.source}`, ...f.extra];
  if (platform.kind === 'none') return [f.functionsFrameworkMain, `--target=${f.target}`, `--port=${f.port}`, `--source=${f.source}`, ...f.extra];
  return [f.frontEndMain, `--port=${f.port}`, ...platform.frontEndArgs, '--', process.execPath, ...framework];
}

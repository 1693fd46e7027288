import { parseFlags } from '../cli/parseFlags';
import { timestamp } from '../load/parseLoadOptions';
import type { TrendRule } from './memoryTrend';
import { DEFAULT_TREND_RULE } from './memoryTrend';

export interface SoakOptions {
  /** Length of the steady load, minutes. */
  readonly minutes: number;
  /** Arrivals per second (open loop). */
  readonly rate: number;
  /** Cap on requests in flight. */
  readonly concurrency: number;
  /** Memory reading period, ms. */
  readonly sampleMs: number;
  /** Readings before this (seconds into the load) are left out of the trend. */
  readonly warmupS: number;
  /** Hard deadline for the verification phase after the load, seconds. */
  readonly verifyS: number;
  /** Per-request timeout, ms. */
  readonly requestTimeoutMs: number;
  readonly rule: TrendRule;
  /** JSON report; the text summary goes next to it as .txt. */
  readonly json: string;
  readonly help: boolean;
}

export const DEFAULT_WARMUP_S = 180;

export class SoakOptionsError extends Error {
  override readonly name = 'SoakOptionsError';
}

export const SOAK_HELP = `Usage: npm run soak -- [options]

Starts its own local stack on free ports, sends orders at a steady rate for a fixed
time (each under a client span of its own trace), reads each function process's
memory (VmRSS from /proc, V8 heap from a preloaded reporter) every sample period,
then checks every order: accepted (202), processed in Firestore, and a complete trace
in the collector. A benchmark, not a test: about --minutes + 1–3 minutes.

Options:
  --minutes M       length of the steady load (default 10; at most 60)
  --rate R          orders per second, fixed arrival schedule (default 20)
  --concurrency N   cap on requests in flight (default 8)
  --sample-ms MS    memory reading period (default 2000)
  --warmup-s S      readings before S seconds are left out of the trend (default 180,
                    at most half the run: RSS follows V8 sizing its heap for the first
                    minutes; see docs/load-test-and-benchmarks.md, "Soak")
  --verify-s S      hard deadline for checking traces and orders afterwards (default 120)
  --timeout MS      per-request timeout (default 10000)
  --max-slope X     memory verdict: pass when the fitted slope ≤ X MB/min (default 1)…
  --max-growth P    …or the fitted growth after warm-up ≤ P % of its start (default 5)
  --json FILE       report (default reports/soak-<timestamp>.json; the text summary
                    and chart go beside it as .txt)
  -h, --help        this text

Exit codes: 0 every order accepted, processed and completely traced, and no memory
growth in either function; 1 otherwise (or the stack failed); 2 bad usage.`;

/**
 * Flag, then default (the soak reads no environment: it starts its own stack). Throws
 * SoakOptionsError naming the flag; only the CLI turns it into exit 2.
 */
export function parseSoakOptions(argv: readonly string[] = process.argv.slice(2), now: Date = new Date()): SoakOptions {
  const values = parseFlags(
    argv,
    {
      minutes: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      'sample-ms': { type: 'string' },
      'warmup-s': { type: 'string' },
      'verify-s': { type: 'string' },
      timeout: { type: 'string' },
      'max-slope': { type: 'string' },
      'max-growth': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new SoakOptionsError(message),
  );
  const num = (name: string, fallback: number, min: number, max: number, { integer = false, minExclusive = false } = {}): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const text = typeof raw === 'string' ? raw.trim() : '';
    const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    const low = minExclusive ? n > min : n >= min;
    if (!Number.isFinite(n) || !low || n > max || (integer && !Number.isInteger(n))) {
      const kind = integer ? 'a whole number' : 'a number';
      throw new SoakOptionsError(`--${name} must be ${kind} ${minExclusive ? `above ${min}` : `from ${min}`} up to ${max}, got "${String(raw)}"`);
    }
    return n;
  };
  const minutes = num('minutes', 10, 0, 60, { minExclusive: true });
  const sampleMs = num('sample-ms', 2000, 100, 60_000, { integer: true });
  // RSS climbs for the first minutes while V8 sizes the old generation to the load (measured:
  // still climbing at 2 minutes in processOrder at 20/s); that ramp is not a leak.
  const warmupS = num('warmup-s', Math.min(DEFAULT_WARMUP_S, (minutes * 60) / 2), 0, 3600);
  const rule: TrendRule = {
    ...DEFAULT_TREND_RULE,
    maxSlopeMBPerMin: num('max-slope', DEFAULT_TREND_RULE.maxSlopeMBPerMin, 0, 1000),
    maxGrowthFraction: num('max-growth', DEFAULT_TREND_RULE.maxGrowthFraction * 100, 0, 1000) / 100,
  };
  // Refuse a run that cannot give a verdict rather than report "no growth" from nothing.
  const windowS = minutes * 60 - warmupS;
  if (windowS <= 0) throw new SoakOptionsError(`--warmup-s (${warmupS}) must be shorter than the run (--minutes ${minutes} = ${minutes * 60} s)`);
  const readings = Math.floor((windowS * 1000) / sampleMs) + 1;
  if (readings < rule.minSamples) {
    throw new SoakOptionsError(
      `only ${readings} memory readings would fall after warm-up (${windowS} s at --sample-ms ${sampleMs}); need ${rule.minSamples}: lengthen --minutes or lower --warmup-s or --sample-ms`,
    );
  }
  const json = typeof values.json === 'string' && values.json.trim() ? values.json.trim() : `reports/soak-${timestamp(now)}.json`;
  return {
    minutes,
    rate: num('rate', 20, 0, 1000, { minExclusive: true }),
    concurrency: num('concurrency', 8, 1, 1000, { integer: true }),
    sampleMs,
    warmupS,
    verifyS: num('verify-s', 120, 1, 3600, { integer: true }),
    requestTimeoutMs: num('timeout', 10_000, 100, 120_000, { integer: true }),
    rule,
    json,
    help: values.help === true,
  };
}

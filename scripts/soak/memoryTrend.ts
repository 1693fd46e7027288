/** One reading of one process's memory, `tMs` after the load started. */
export interface MemoryPoint {
  readonly tMs: number;
  readonly mb: number;
}

/**
 * When a series counts as "not growing". Growth is judged on the least-squares line,
 * not on the first and last readings, because heap and (less so) RSS saw-tooth with
 * garbage collection: a run that happens to end just before a major GC would otherwise
 * read as growth. Over many GC cycles the teeth average out; the relative clause keeps a
 * short window (a few cycles, where one tooth tilts the line) from failing on noise.
 */
export interface TrendRule {
  /** Pass when the fitted slope is at most this (MB per minute)… */
  readonly maxSlopeMBPerMin: number;
  /** …or when the fitted growth over the window is at most this fraction of its fitted start. */
  readonly maxGrowthFraction: number;
  /** Fewer readings after warm-up than this: no verdict (fails). */
  readonly minSamples: number;
}

export const DEFAULT_TREND_RULE: TrendRule = { maxSlopeMBPerMin: 1, maxGrowthFraction: 0.05, minSamples: 5 };

export interface MemoryTrend {
  /** Readings after warm-up that the line was fitted to. */
  readonly samples: number;
  /** From the first to the last of those readings, minutes. */
  readonly windowMin: number;
  readonly slopeMBPerMin: number;
  /** The fitted line at the first and last reading. */
  readonly fittedStartMB: number;
  readonly fittedEndMB: number;
  readonly growthMB: number;
  /** growthMB / fittedStartMB. */
  readonly growthFraction: number;
  readonly minMB: number;
  readonly maxMB: number;
  readonly pass: boolean;
  /** Why, in words, with the numbers the rule compared. */
  readonly reason: string;
}

export interface LineFit {
  /** y per x unit. */
  readonly slope: number;
  /** y at x = 0. */
  readonly intercept: number;
}

/** Ordinary least squares of y on x; slope 0 when every x is the same (no trend to see). */
export function leastSquares(xs: readonly number[], ys: readonly number[]): LineFit {
  const n = Math.min(xs.length, ys.length);
  if (n === 0) return { slope: NaN, intercept: NaN };
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - my);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * Pure: the trend of one memory series after `warmupMs`, and the verdict under `rule`.
 * Readings before the warm-up ends (start-up, JIT, pools and caches filling) are left out.
 */
export function memoryTrend(points: readonly MemoryPoint[], warmupMs: number, rule: TrendRule = DEFAULT_TREND_RULE): MemoryTrend {
  const window = points.filter((p) => p.tMs >= warmupMs && Number.isFinite(p.mb));
  const xs = window.map((p) => p.tMs / 60_000);
  const ys = window.map((p) => p.mb);
  const { slope, intercept } = leastSquares(xs, ys);
  const first = xs[0] ?? NaN;
  const last = xs[xs.length - 1] ?? NaN;
  const fittedStartMB = intercept + slope * first;
  const fittedEndMB = intercept + slope * last;
  const growthMB = fittedEndMB - fittedStartMB;
  const growthFraction = fittedStartMB > 0 ? growthMB / fittedStartMB : NaN;
  const base = {
    samples: window.length,
    windowMin: window.length ? last - first : 0,
    slopeMBPerMin: slope,
    fittedStartMB,
    fittedEndMB,
    growthMB,
    growthFraction,
    minMB: window.length ? Math.min(...ys) : NaN,
    maxMB: window.length ? Math.max(...ys) : NaN,
  };
  if (window.length < rule.minSamples) {
    return { ...base, pass: false, reason: `only ${window.length} readings after warm-up (need ${rule.minSamples})` };
  }
  const slopeText = `slope ${signed(slope, 2)} MB/min`;
  const growthText = `growth ${signed(growthFraction * 100, 1)} %`;
  if (slope <= rule.maxSlopeMBPerMin) return { ...base, pass: true, reason: `${slopeText} ≤ ${rule.maxSlopeMBPerMin}` };
  if (growthFraction <= rule.maxGrowthFraction) {
    return { ...base, pass: true, reason: `${growthText} ≤ ${rule.maxGrowthFraction * 100} % (${slopeText})` };
  }
  return { ...base, pass: false, reason: `${slopeText} > ${rule.maxSlopeMBPerMin} and ${growthText} > ${rule.maxGrowthFraction * 100} %` };
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

const LEVELS = '▁▂▃▄▅▆▇█';

/**
 * A one-line text chart of a series over time: at most `width` equal time buckets (no
 * more than there are readings), each the mean of its readings (an empty one repeats the
 * one before), scaled from the series' min to its max.
 * `markAtMs` puts a `┊` before the first bucket at or after that time (the warm-up's end).
 * Text, so it lands in logs and the .txt report as is.
 */
export function sparkline(points: readonly { readonly tMs: number; readonly mb: number }[], width = 60, markAtMs?: number): string {
  const finite = points.filter((p) => Number.isFinite(p.mb));
  if (finite.length === 0 || width < 1) return '';
  // No more columns than readings, so every column has one.
  width = Math.min(width, finite.length);
  const start = finite[0]!.tMs;
  const span = Math.max(1, finite[finite.length - 1]!.tMs - start);
  const sums = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  for (const p of finite) {
    const i = Math.min(width - 1, Math.floor(((p.tMs - start) / span) * width));
    sums[i]! += p.mb;
    counts[i]! += 1;
  }
  const values = finite.map((p) => p.mb);
  const min = Math.min(...values);
  const range = Math.max(...values) - min;
  const markIndex = markAtMs === undefined || markAtMs <= start ? -1 : Math.ceil(((markAtMs - start) / span) * width);
  let out = '';
  let previous = ' ';
  for (let i = 0; i < width; i++) {
    if (i === markIndex) out += '┊';
    if (counts[i]! > 0) {
      const mean = sums[i]! / counts[i]!;
      previous = LEVELS[range === 0 ? 0 : Math.round(((mean - min) / range) * (LEVELS.length - 1))]!;
    }
    out += previous;
  }
  return out;
}

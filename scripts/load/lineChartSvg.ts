export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** [x, y]; a NaN y breaks the line (an interval with nothing answered). */
  readonly points: readonly (readonly [number, number])[];
  /** Filled bars from 0 instead of a line. */
  readonly bars?: boolean;
}

export interface ChartOptions {
  readonly label: string;
  readonly xUnit: string;
  readonly yUnit: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * A small self-contained SVG chart (lines or bars over a shared x axis, axis ticks,
 * legend), so the load report needs no script and no library. Pure.
 */
export function lineChartSvg(series: readonly ChartSeries[], o: ChartOptions): string {
  const width = o.width ?? 1000;
  const height = o.height ?? 240;
  const [left, right, top, bottom] = [56, 12, 24, 30];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (all.length === 0) return `<p>no data for ${esc(o.label)}</p>`;
  // Bars stand for intervals starting at x: the axis runs to the end of the last one.
  const barXs = [...new Set(series.filter((s) => s.bars).flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const step = barXs.length > 1 ? Math.min(...barXs.slice(1).map((x, i) => x - barXs[i]!)) : barXs.length ? 1 : 0;
  const xMax = Math.max(...all.map(([x]) => x + step), 1);
  const yMax = niceCeil(Math.max(...all.map(([, y]) => y), 0));
  const sx = (x: number): number => left + (x / xMax) * plotW;
  const sy = (y: number): number => top + plotH - (y / yMax) * plotH;
  const barW = Math.max(1, (step / xMax) * plotW * 0.8);
  const drawn = series
    .map((s) => {
      if (s.bars) {
        return s.points
          .filter(([, y]) => Number.isFinite(y) && y > 0)
          .map(([x, y]) => `<rect x="${(sx(x)).toFixed(1)}" y="${sy(y).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - sy(y)).toFixed(1)}" fill="${s.color}"><title>${esc(s.name)} at ${fmt(x)} ${esc(o.xUnit)}: ${fmt(y)} ${esc(o.yUnit)}</title></rect>`)
          .join('');
      }
      const segments: string[][] = [[]];
      for (const [x, y] of s.points) {
        if (Number.isFinite(y)) segments[segments.length - 1]!.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
        else if (segments[segments.length - 1]!.length) segments.push([]);
      }
      return segments
        .filter((seg) => seg.length)
        .map((seg) => (seg.length === 1 ? `<circle cx="${seg[0]!.split(',')[0]}" cy="${seg[0]!.split(',')[1]}" r="2" fill="${s.color}"/>` : `<polyline fill="none" stroke="${s.color}" stroke-width="1.6" points="${seg.join(' ')}"/>`))
        .join('');
    })
    .join('\n');
  const yTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<line x1="${left}" x2="${width - right}" y1="${sy(yMax * f).toFixed(1)}" y2="${sy(yMax * f).toFixed(1)}" stroke="#eee"/><text x="${left - 6}" y="${(sy(yMax * f) + 4).toFixed(1)}" text-anchor="end">${fmt(yMax * f)}</text>`)
    .join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${sx(xMax * f).toFixed(1)}" y="${height - 12}" text-anchor="middle">${fmt(xMax * f)}</text>`).join('');
  const legend = series.map((s, i) => `<rect x="${left + i * 150}" y="6" width="10" height="10" fill="${s.color}"/><text x="${left + i * 150 + 14}" y="15">${esc(s.name)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(o.label)}">
${yTicks}<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="#999"/>
${drawn}
${xTicks}${legend}<text x="${width - right}" y="${height - 1}" text-anchor="end">${esc(o.xUnit)}</text><text x="4" y="${top - 6}">${esc(o.yUnit)}</text></svg>`;
}

/** 1, 2, 2.5, 5 × 10^k at or above `v`, so the axis reads in round numbers. */
function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (v <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1);
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

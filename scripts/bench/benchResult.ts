export interface BenchTarget {
  readonly name: string;
  readonly value: number;
  /** `max`: value must be ≤ limit; `min`: ≥ limit. */
  readonly bound: 'max' | 'min';
  readonly limit: number;
  readonly met: boolean;
}

export interface BenchResult {
  readonly name: string;
  readonly figures: Readonly<Record<string, number>>;
  readonly targets: readonly BenchTarget[];
  readonly notes: readonly string[];
}

export function target(name: string, value: number, bound: 'max' | 'min', limit: number): BenchTarget {
  return { name, value, bound, limit, met: bound === 'max' ? value <= limit : value >= limit };
}

export function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

/** Text block printed after each benchmark. */
export function formatBenchResult(r: BenchResult): string {
  const lines = [`== ${r.name}`];
  const width = Math.max(0, ...Object.keys(r.figures).map((k) => k.length));
  for (const [k, v] of Object.entries(r.figures)) lines.push(`  ${k.padEnd(width)}  ${round(v)}`);
  for (const t of r.targets) lines.push(`  target ${t.name} ${t.bound === 'max' ? '≤' : '≥'} ${t.limit}: ${round(t.value)} ${t.met ? 'met' : 'MISSED'}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3);
}

import type { LatencyStats } from './latencyStats';
import type { LoadSummary } from './summarizeLoad';

/** The plain-text table printed at the end of a run. */
export function formatSummary(s: LoadSummary): string {
  const v = s.verification;
  const errors = Object.entries(s.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ');
  const rows: [string, string][] = [
    ['target', s.target],
    ['platform', s.platform],
    ['requests', `${s.requests} in ${s.durationS.toFixed(1)} s`],
    ['accepted (202)', String(s.accepted)],
    ['errors', errors ? `${errors} (${pct(s.errorRate)}, allowed ${pct(s.maxErrorRate)})` : 'none'],
    ['throughput', `${s.throughput.toFixed(1)} req/s`],
    ['latency ms', stats(s.latencyMs)],
    ['end-to-end ms', `${stats(s.endToEndMs)}  (client send → processOrder done)`],
    ['traces complete', `${v.complete}/${v.checked}`],
    ['cold starts', `${s.coldStarts}  (spans with faas.coldstart=true in the checked traces)`],
    [`processed (${v.processedFrom})`, `${v.processed}/${v.checked}${v.processedFrom === 'trace' ? '  (inferred from orders.result=processed on processOrder spans)' : ''}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, val]) => `  ${k.padEnd(width)}  ${val}`);
  if (v.broken.length > 0) {
    lines.push('', `  first ${v.broken.length} of ${v.brokenCount} incomplete or unprocessed orders:`);
    for (const b of v.broken) lines.push(`    ${b.traceId}  order ${b.orderId}: ${b.missing.join('; ')}`);
  }
  lines.push('', `  result: ${s.ok ? 'OK' : 'FAILED'}`);
  return lines.join('\n');
}

function stats(l: LatencyStats): string {
  if (l.count === 0) return 'n/a';
  return `p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  max ${ms(l.max)}`;
}

function ms(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 2 : 1)}%`;
}

import type { MemoryTrend } from './memoryTrend';
import { sparkline } from './sparkline';
import type { SoakSummary } from './summarizeSoak';
import { SOAK_FUNCTIONS } from './summarizeSoak';

/** The soak's summary as text: figures, the memory verdict per function, a chart of each series. */
export function formatSoakSummary(s: SoakSummary): string {
  const { plan, load } = s;
  const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '–');
  const errors = Object.entries(load.errors).map(([kind, n]) => `${kind} ×${n}`);
  const lines = [
    `Soak: ${plan.minutes} min at ${plan.rate} orders/s (in flight ≤ ${plan.concurrency}), warm-up ${plan.warmupS} s, memory every ${plan.sampleMs} ms — started ${s.startedAt}`,
    `  orders         ${load.requests} sent of ${s.plannedOrders} planned, ${load.accepted} accepted (202); errors: ${errors.length ? errors.join(', ') : 'none'}`,
    `  rate           ${s.achievedRate.toFixed(2)} orders/s achieved over ${load.durationS.toFixed(1)} s`,
    `  latency ms     p50 ${ms(load.latencyMs.p50)}  p90 ${ms(load.latencyMs.p90)}  p99 ${ms(load.latencyMs.p99)}  max ${ms(load.latencyMs.max)}`,
    `  end-to-end ms  p50 ${ms(load.endToEndMs.p50)}  p99 ${ms(load.endToEndMs.p99)}  max ${ms(load.endToEndMs.max)}`,
    `  traces         ${s.traces.complete}/${s.traces.sent} complete, ${s.traces.processed}/${s.traces.sent} processed: ${s.traces.completePercent.toFixed(2)} % complete → ${s.traces.pass ? 'PASS' : 'FAIL'}`,
    ...load.verification.broken.map((b) => `    broken ${b.traceId} (order ${b.orderId}): ${b.missing.join('; ')}`),
    `  memory after warm-up (least-squares line; pass when slope ≤ ${plan.rule.maxSlopeMBPerMin} MB/min or growth ≤ ${plan.rule.maxGrowthFraction * 100} %; charts span the whole run, ┊ = end of warm-up):`,
  ];
  for (const name of SOAK_FUNCTIONS) {
    const m = s.memory[name];
    lines.push(`    ${name} (pid ${m.pid}) → ${m.pass ? 'PASS' : 'FAIL'}`);
    lines.push(`      RSS            ${trendLine(m.rss)}; ≈ ${perOrder(m.rssBytesPerOrder)}`);
    lines.push(`                     ${chart(m.samples.map((x) => ({ tMs: x.tMs, mb: x.rssMB })), plan.warmupS)}`);
    if (m.heapAfterGc) {
      const perOrderText = m.heapBytesPerOrder === undefined ? '' : `; ≈ ${perOrder(m.heapBytesPerOrder)}`;
      lines.push(`      heap after GC  ${m.heapAfterGc.samples ? trendLine(m.heapAfterGc) : 'no major GC after warm-up'}${m.heapJudged ? perOrderText : ' (not judged)'}`);
      const used = m.samples.flatMap((x) => (x.heapUsedMB === undefined ? [] : [{ tMs: x.tMs, mb: x.heapUsedMB }]));
      lines.push(`      heap in use    ${chart(used, plan.warmupS)} (GC saw-tooth; max ${m.heapUsedMaxMB?.toFixed(1) ?? '–'} MB)`);
    }
    for (const note of m.notes) lines.push(`      note: ${note}`);
  }
  for (const note of s.notes) lines.push(`  note: ${note}`);
  lines.push(s.pass ? 'Soak PASSED' : `Soak FAILED:\n${s.failures.map((f) => `  - ${f}`).join('\n')}`);
  return lines.join('\n');
}

function perOrder(bytes: number): string {
  return Number.isFinite(bytes) ? `${bytes >= 0 ? '+' : ''}${Math.round(bytes)} bytes/order` : '– bytes/order';
}

function trendLine(t: MemoryTrend): string {
  if (t.samples === 0) return `no readings after warm-up: ${t.reason}`;
  const pct = Number.isFinite(t.growthFraction) ? `${t.growthFraction >= 0 ? '+' : ''}${(t.growthFraction * 100).toFixed(1)} %` : '–';
  return `${t.fittedStartMB.toFixed(1)} → ${t.fittedEndMB.toFixed(1)} MB fitted over ${t.windowMin.toFixed(1)} min (${pct}, ${t.slopeMBPerMin >= 0 ? '+' : ''}${t.slopeMBPerMin.toFixed(2)} MB/min), max ${t.maxMB.toFixed(1)}, ${t.samples} readings: ${t.reason}`;
}

function chart(points: readonly { tMs: number; mb: number }[], warmupS: number): string {
  if (points.length === 0) return '';
  const values = points.map((p) => p.mb);
  return `${Math.min(...values).toFixed(1)} MB ${sparkline(points, 60, warmupS * 1000)} ${Math.max(...values).toFixed(1)} MB`;
}

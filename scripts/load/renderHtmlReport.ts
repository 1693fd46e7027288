import type { HistogramBucket } from './histogram';
import type { LatencyStats } from './latencyStats';
import { cloudTraceApiUrl, cloudTraceConsoleUrl } from './cloudTraceClient';
import { lineChartSvg } from './lineChartSvg';
import type { LoadSummary } from './summarizeLoad';
import { traceApiUrl, traceViewerUrl } from './traceQueryClient';

/** A self-contained page (inline CSS and SVG, no scripts, no CDN) for one run. */
export function renderHtmlReport(s: LoadSummary): string {
  const v = s.verification;
  const errors = Object.entries(s.errors);
  const row = (k: string, val: string): string => `<tr><th>${esc(k)}</th><td>${val}</td></tr>`;
  const project = s.cloudTraceProject;
  const viewer = (traceId: string): string => (project === undefined ? traceViewerUrl(s.traces, traceId) : cloudTraceConsoleUrl(project, traceId));
  const api = (traceId: string): string => (project === undefined ? traceApiUrl(s.traces, traceId) : cloudTraceApiUrl(s.traces, project, traceId));
  const traceLinks = (traceId: string): string => `<a href="${esc(viewer(traceId))}">${esc(traceId)}</a> <a class="api" href="${esc(api(traceId))}">json</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Load test ${esc(s.startedAt)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse}th,td{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{font-weight:600;background:#f6f6f6}.ok{color:#186a18;font-weight:700}.bad{color:#b00020;font-weight:700}
code,a{font-family:ui-monospace,monospace;font-size:12px}.bar{display:inline-block;height:6px;min-width:1px}a.api{color:#777}svg text{font:11px system-ui,sans-serif;fill:#444}
.legend{font-size:12px;color:#555}.legend .bar{width:18px;margin:0 4px 1px 10px;vertical-align:middle}
</style></head><body>
<h1>Load test: <span class="${s.ok ? 'ok' : 'bad'}">${s.ok ? 'OK' : 'FAILED'}</span></h1>
<p>${esc(s.target)} — started ${esc(s.startedAt)}, traces from <code>${esc(s.traces)}</code></p>
<table>
${row('requests', `${s.requests} in ${s.durationS.toFixed(1)} s`)}
${row('accepted (202)', String(s.accepted))}
${row('errors', errors.length ? errors.map(([k, n]) => `${esc(k)}: ${n}`).join(', ') + ` (${(s.errorRate * 100).toFixed(2)}%, allowed ${(s.maxErrorRate * 100).toFixed(2)}%)` : 'none')}
${row('throughput', `${s.throughput.toFixed(1)} req/s`)}
${row('latency (ms)', stats(s.latencyMs))}
${row('end-to-end (ms)', `${stats(s.endToEndMs)} <br><small>client span start → processOrder span end</small>`)}
${row('traces complete', `${v.complete} / ${v.checked}`)}
${row(`processed (from ${v.processedFrom})`, `${v.processed} / ${v.checked}`)}
</table>
<h2>Latency over time</h2>
${lineChartSvg(
  [
    { name: 'p50', color: '#4a7bd0', points: s.timeline.map((p) => [p.atS, p.p50Ms] as const) },
    { name: 'p99', color: '#d9822b', points: s.timeline.map((p) => [p.atS, p.p99Ms] as const) },
  ],
  { label: 'latency over time', xUnit: 's', yUnit: 'ms' },
)}
<h2>Throughput over time</h2>
${lineChartSvg(
  [
    { name: 'answered/s', color: '#4a7bd0', bars: true, points: s.timeline.map((p) => [p.atS, p.answeredPerS] as const) },
    { name: 'failed/s', color: '#b00020', bars: true, points: s.timeline.map((p) => [p.atS, p.errorsPerS] as const) },
  ],
  { label: 'throughput over time', xUnit: 's', yUnit: 'req/s' },
)}
<h2>Request latency</h2>
${histogramSvg(s.latencyHistogram, 1000, 260, 'request latency histogram')}
<h2>End-to-end latency</h2>
<p><small>client span start → processOrder span end, from each trace</small></p>
${histogramSvg(s.endToEndHistogram, 1000, 260, 'end-to-end latency histogram')}
<h2>Time per span</h2>
${spanTable(s)}
<h2>Slowest ${s.slowest.length} of ${s.accepted} accepted</h2>
<table id="slowest"><tr><th>trace</th><th>order</th><th>latency ms</th><th>end-to-end ms</th><th>complete</th></tr>
${s.slowest.map((o) => `<tr><td>${traceLinks(o.traceId)}</td><td><code>${esc(o.orderId)}</code></td><td>${o.latencyMs.toFixed(1)}</td><td>${o.endToEndMs === undefined ? '–' : o.endToEndMs.toFixed(1)}</td><td class="${o.complete ? 'ok' : 'bad'}">${o.complete ? 'yes' : 'no'}</td></tr>`).join('\n')}
</table>
${
  s.failureCount
    ? `<h2>Failed requests (${s.failures.length === s.failureCount ? 'all' : `first ${s.failures.length} of`} ${s.failureCount})</h2>
<table id="failures"><tr><th>trace</th><th>request</th><th>error</th><th>latency ms</th></tr>
${s.failures.map((f) => `<tr><td>${f.traceId ? traceLinks(f.traceId) : '–'}</td><td>#${f.index}</td><td>${esc(f.error)}${f.message ? `<br><small>${esc(f.message)}</small>` : ''}</td><td>${f.latencyMs.toFixed(1)}</td></tr>`).join('\n')}
</table>`
    : ''
}
${
  v.broken.length
    ? `<h2>Incomplete or unprocessed (first ${v.broken.length} of ${v.brokenCount})</h2><table id="broken"><tr><th>trace</th><th>order</th><th>missing</th></tr>
${v.broken.map((b) => `<tr><td>${traceLinks(b.traceId)}</td><td><code>${esc(b.orderId)}</code></td><td>${b.missing.map(esc).join('<br>')}</td></tr>`).join('\n')}</table>`
    : ''
}
</body></html>
`;
}

/** Bars on a linear axis, labelled in ms; inline so the report works offline. */
export function histogramSvg(buckets: readonly HistogramBucket[], width = 1000, height = 260, label = 'latency histogram'): string {
  if (buckets.length === 0) return '<p>no data</p>';
  const left = 50;
  const bottom = 30;
  const top = 10;
  const plotW = width - left - 10;
  const plotH = height - bottom - top;
  const maxCount = Math.max(...buckets.map((b) => b.count), 1);
  const barW = plotW / buckets.length;
  const bars = buckets
    .map((b, i) => {
      const h = (b.count / maxCount) * plotH;
      const x = left + i * barW;
      return `<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#4a7bd0"><title>${b.from}–${b.to} ms: ${b.count}</title></rect>`;
    })
    .join('');
  const step = Math.max(1, Math.ceil(buckets.length / 10));
  const labels = buckets
    .map((b, i) => (i % step === 0 ? `<text x="${(left + i * barW).toFixed(1)}" y="${height - 12}">${b.from}</text>` : ''))
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(label)}">
<line x1="${left}" y1="${top + plotH}" x2="${width - 10}" y2="${top + plotH}" stroke="#999"/>
<text x="4" y="${top + 10}">${maxCount}</text><text x="4" y="${top + plotH}">0</text>
${bars}${labels}<text x="${width - 60}" y="${height - 2}">ms</text></svg>`;
}

const P50_COLOR = '#4a7bd0';
const P99_COLOR = '#d9822b';

/**
 * p50/p99 per service and span name with bars to scale, most total time first. The service
 * column tells the load generator's `POST` (its client span) from createOrder's `POST /`.
 */
function spanTable(s: LoadSummary): string {
  if (s.spanTimes.length === 0) return '<p>no traces checked</p>';
  const max = Math.max(...s.spanTimes.map((t) => t.p99Ms), 0.001);
  const bar = (ms: number, color: string): string => `<span class="bar" style="width:${((ms / max) * 300).toFixed(0)}px;background:${color}"></span>`;
  const swatch = (color: string): string => `<span class="bar" style="background:${color}"></span>`;
  return `<p class="legend" id="span-legend">bars to scale:${swatch(P50_COLOR)}p50 (upper)${swatch(P99_COLOR)}p99 (lower)</p>
<table id="span-times"><tr><th>service</th><th>span name</th><th>count</th><th>p50 ms</th><th>p99 ms</th><th>p50 / p99</th></tr>
${s.spanTimes.map((t) => `<tr><td>${esc(t.service || '?')}</td><td><code>${esc(t.name)}</code></td><td>${t.count}</td><td>${t.p50Ms.toFixed(1)}</td><td>${t.p99Ms.toFixed(1)}</td><td>${bar(t.p50Ms, P50_COLOR)}<br>${bar(t.p99Ms, P99_COLOR)}</td></tr>`).join('\n')}
</table>`;
}

function stats(l: LatencyStats): string {
  if (l.count === 0) return 'n/a';
  return `p50 ${l.p50.toFixed(1)} · p90 ${l.p90.toFixed(1)} · p99 ${l.p99.toFixed(1)} · max ${l.max.toFixed(1)}`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

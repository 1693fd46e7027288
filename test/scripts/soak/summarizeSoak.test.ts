import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadSummary } from '../../../scripts/load/summarizeLoad';
import type { MemorySample } from '../../../scripts/soak/memorySampler';
import { DEFAULT_TREND_RULE } from '../../../scripts/soak/memoryTrend';
import { formatSoakSummary } from '../../../scripts/soak/formatSoakSummary';
import { functionMemory, heapFloors, summarizeSoak } from '../../../scripts/soak/summarizeSoak';
import type { SoakPlan } from '../../../scripts/soak/summarizeSoak';

const PLAN: SoakPlan = { minutes: 10, rate: 20, concurrency: 8, sampleMs: 2000, warmupS: 60, verifyS: 120, rule: DEFAULT_TREND_RULE };

/** 10 minutes of readings every 2 s: RSS and a heap saw-tooth with a major GC every `gcEveryS`. */
function readings(rss: (tMin: number) => number, liveHeap: (tMin: number) => number, gcEveryS = 60): MemorySample[] {
  const out: MemorySample[] = [];
  for (let t = 0; t <= 600_000; t += 2000) {
    const gcs = Math.floor(t / (gcEveryS * 1000));
    const sinceGc = (t % (gcEveryS * 1000)) / (gcEveryS * 1000);
    const lastGcMin = (gcs * gcEveryS) / 60;
    out.push({
      tMs: t,
      rssMB: rss(t / 60_000),
      heapUsedMB: liveHeap(t / 60_000) + 150 * sinceGc,
      majorGcs: gcs,
      heapAfterGcMB: gcs > 0 ? liveHeap(lastGcMin) : undefined,
    });
  }
  return out;
}

test('heapFloors: one point per reading that shows a new major GC, none before the first', () => {
  const s = (tMs: number, majorGcs: number | undefined, heapAfterGcMB: number | undefined): MemorySample => ({ tMs, rssMB: 100, heapUsedMB: 50, majorGcs, heapAfterGcMB });
  assert.deepEqual(heapFloors([s(0, 0, undefined), s(1, 0, undefined), s(2, 1, 40), s(3, 1, 40), s(4, 3, 42), s(5, undefined, undefined), s(6, 4, 41)]), [
    { tMs: 2, mb: 40 },
    { tMs: 4, mb: 42 },
    { tMs: 6, mb: 41 },
  ]);
});

const memoryCases: { name: string; samples: MemorySample[]; pass: boolean; heapJudged: boolean }[] = [
  // The raw heap climbs 150 MB between GCs; judged on the floors it is flat.
  { name: 'flat RSS, flat live heap under a big saw-tooth', samples: readings(() => 300, () => 50), pass: true, heapJudged: true },
  { name: 'flat RSS, live heap growing 2 MB/min', samples: readings(() => 300, (t) => 50 + 2 * t), pass: false, heapJudged: true },
  { name: 'RSS growing 3 MB/min, flat live heap', samples: readings((t) => 200 + 3 * t, () => 50), pass: false, heapJudged: true },
  { name: 'too few major GCs: RSS alone decides', samples: readings(() => 300, (t) => 50 + 20 * t, 240), pass: true, heapJudged: false },
];
for (const c of memoryCases) {
  test(`functionMemory: ${c.name} → ${c.pass ? 'pass' : 'fail'}`, () => {
    const m = functionMemory(42, c.samples, 60_000, DEFAULT_TREND_RULE, 20);
    assert.equal(m.pass, c.pass, `${m.rss.reason} / ${m.heapAfterGc?.reason}`);
    assert.equal(m.heapJudged, c.heapJudged);
    assert.equal(m.heapUsedMaxMB !== undefined && m.heapUsedMaxMB > 150, true);
    if (!c.heapJudged) assert.match(m.notes.join(' '), /too few to judge the live heap/);
  });
}

test('bytes per order: 1.2 MB/min at 20 orders/s is about 1 KiB per order', () => {
  const m = functionMemory(1, readings((t) => 200 + 1.2 * t, () => 50), 60_000, DEFAULT_TREND_RULE, 20);
  assert.ok(Math.abs(m.rssBytesPerOrder - (1.2 * 1024 * 1024) / 1200) < 1, String(m.rssBytesPerOrder));
});

type LoadOverrides = Partial<Omit<LoadSummary, 'verification'>> & { verification?: Partial<LoadSummary['verification']> };

function load(over: LoadOverrides): LoadSummary {
  const base: LoadSummary = {
    target: 'http://127.0.0.1:1/',
    traces: 'http://127.0.0.1:2',
    platform: 'none',
    coldStarts: 0,
    startedAt: '2025-01-02T03:04:05.000Z',
    durationS: 600,
    requests: 12_000,
    accepted: 12_000,
    errors: {},
    errorRate: 0,
    throughput: 20,
    latencyMs: { count: 12_000, mean: 20, p50: 15, p90: 30, p99: 80, max: 400 },
    latencyHistogram: [],
    endToEndMs: { count: 12_000, mean: 40, p50: 30, p90: 60, p99: 200, max: 900 },
    verification: { checked: 12_000, complete: 12_000, incomplete: 0, processed: 12_000, notProcessed: 0, processedFrom: 'firestore', brokenCount: 0, broken: [] },
    sample: [],
    slowest: [],
    failures: [],
    failureCount: 0,
    timeline: [],
    endToEndHistogram: [],
    spanTimes: [],
    maxErrorRate: 0,
    ok: true,
  };
  return { ...base, ...over, verification: { ...base.verification, ...over.verification } };
}

const flat = readings(() => 300, () => 50);
const summaryCases: { name: string; load: LoadSummary; pass: boolean; failure?: RegExp; note?: RegExp }[] = [
  { name: 'all complete, memory flat', load: load({}), pass: true },
  {
    name: 'one trace incomplete',
    load: load({ verification: { complete: 11_999, incomplete: 1, brokenCount: 1, broken: [{ traceId: 't', orderId: 'o', missing: ['x'] }] } }),
    pass: false,
    failure: /1 of 12000 accepted orders incomplete/,
  },
  { name: 'one order refused', load: load({ accepted: 11_999, errors: { 'http 503': 1 }, verification: { checked: 11_999, complete: 11_999, processed: 11_999 } }), pass: false, failure: /1 of 12000 orders not accepted: http 503 ×1/ },
  { name: 'nothing sent', load: load({ requests: 0, accepted: 0, verification: { checked: 0, complete: 0, processed: 0 } }), pass: false, failure: /no orders were sent/ },
  { name: 'rate not reached: said, not failed', load: load({ requests: 9000, accepted: 9000, throughput: 15, verification: { checked: 9000, complete: 9000, processed: 9000 } }), pass: true, note: /sent 9000 of 12000 planned/ },
];
for (const c of summaryCases) {
  test(`summarizeSoak: ${c.name} → ${c.pass ? 'pass' : 'fail'}`, () => {
    const s = summarizeSoak({ startedAt: 0, plan: PLAN, pids: { createOrder: 1, processOrder: 2 }, samples: new Map([['createOrder', flat], ['processOrder', flat]]), load: c.load });
    assert.equal(s.pass, c.pass, s.failures.join('; '));
    assert.equal(s.traces.pass, c.pass);
    if (c.failure) assert.match(s.failures.join('\n'), c.failure);
    if (c.note) assert.match(s.notes.join('\n'), c.note);
    const text = formatSoakSummary(s);
    assert.match(text, c.pass ? /Soak PASSED/ : /Soak FAILED/);
    assert.match(text, /createOrder \(pid 1\) → PASS/);
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sparkline } from '../../../scripts/soak/sparkline';

const pts = (values: number[], everyMs = 1000) => values.map((mb, i) => ({ tMs: i * everyMs, mb }));

const cases: { name: string; points: { tMs: number; mb: number }[]; width?: number; mark?: number; expect: string }[] = [
  { name: 'min to max spans the levels', points: pts([0, 1, 2, 3, 4, 5, 6, 7]), expect: '▁▂▃▄▅▆▇█' },
  { name: 'a flat series is the lowest level', points: pts([5, 5, 5]), expect: '▁▁▁' },
  { name: 'buckets average their readings', points: pts([0, 0, 10, 10]), width: 2, expect: '▁█' },
  { name: 'the warm-up mark goes before its bucket', points: pts([0, 7, 0, 7]), mark: 1500, expect: '▁█┊▁█' },
  { name: 'no readings, no chart', points: [], expect: '' },
];
for (const c of cases) {
  test(`sparkline: ${c.name}`, () => {
    assert.equal(sparkline(c.points, c.width ?? 60, c.mark), c.expect);
  });
}

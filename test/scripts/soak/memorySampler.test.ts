import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLatestHeapReport, parseVmRssKiB, readVmRssKiB } from '../../../scripts/soak/memorySampler';

test('parseVmRssKiB reads the VmRSS line of /proc/<pid>/status', () => {
  assert.equal(parseVmRssKiB('Name:\tnode\nVmHWM:\t  300000 kB\nVmRSS:\t  123456 kB\n'), 123456);
  assert.equal(parseVmRssKiB('Name:\tkthreadd\n'), undefined);
});

test('readVmRssKiB: this process has one; a pid that is gone has none', { skip: process.platform !== 'linux' }, async () => {
  const own = await readVmRssKiB(process.pid);
  assert.ok(own !== undefined && own > 1024, String(own));
  assert.equal(await readVmRssKiB(2 ** 22 + 1), undefined);
});

const MB = 1024 * 1024;
for (const [name, jsonl, expect] of [
  ['last complete line', `{"heapUsed":${10 * MB},"majorGcs":1,"heapAfterMajorGc":${8 * MB}}\n{"heapUsed":${12 * MB},"majorGcs":2,"heapAfterMajorGc":${9 * MB}}\n`, { heapUsed: 12 * MB, majorGcs: 2, heapAfterMajorGc: 9 * MB }],
  ['a half-written last line is skipped', `{"heapUsed":${10 * MB},"majorGcs":0}\n{"heapUs`, { heapUsed: 10 * MB, majorGcs: 0, heapAfterMajorGc: undefined }],
  ['nothing yet', '', undefined],
  ['no heapUsed', '{"rss":1}\n', undefined],
] as const) {
  test(`parseLatestHeapReport: ${name}`, () => {
    assert.deepEqual(parseLatestHeapReport(jsonl), expect);
  });
}

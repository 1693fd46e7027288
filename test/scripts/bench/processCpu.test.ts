import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedstatNs, parseStatCpuMs, processCpuMs } from '../../../scripts/bench/processCpu';

const cases: { name: string; stat: string; ms: number | undefined }[] = [
  {
    name: 'utime 250 + stime 30 ticks',
    stat: '4242 (node) S 1 4242 4242 0 -1 4194560 9000 0 0 0 250 30 0 0 20 0 11 0 100 1000000 5000 18446744073709551615',
    ms: 2800,
  },
  {
    // A command name may hold spaces and parentheses; fields are counted from its last ')'.
    name: 'a command name with spaces and a parenthesis',
    stat: '7 (we (ird) name) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 100 0 0 0',
    ms: 70,
  },
  { name: 'not a stat line', stat: 'garbage', ms: undefined },
];
for (const c of cases) {
  test(`parseStatCpuMs: ${c.name}`, () => assert.equal(parseStatCpuMs(c.stat), c.ms));
}

test('parseSchedstatNs: the run time of a schedstat line; anything else is unreadable', () => {
  assert.equal(parseSchedstatNs('1234567890 55000 321\n'), 1234567890);
  assert.equal(parseSchedstatNs('12 34'), undefined);
  assert.equal(parseSchedstatNs('x 1 2'), undefined);
});

test('processCpuMs: resolves less than one clock tick of work', { skip: process.platform !== 'linux' && 'no /proc off Linux' }, async () => {
  const before = (await processCpuMs(process.pid))!;
  const until = process.cpuUsage();
  // About 3 ms of CPU: less than one 10 ms tick, which /proc/<pid>/stat could not show reliably.
  while (process.cpuUsage(until).user < 3000) Math.sqrt(Math.random());
  const spun = (await processCpuMs(process.pid))! - before;
  assert.ok(spun >= 2.5 && spun < 200, `measured ${spun} ms for about 3 ms of work`);
});

test('processCpuMs: this process has used some CPU; a pid that does not exist has none to read', { skip: process.platform !== 'linux' && 'no /proc off Linux' }, async () => {
  const ms = await processCpuMs(process.pid);
  assert.ok(ms !== undefined && ms >= 0);
  assert.equal(await processCpuMs(2 ** 22 + 1), undefined);
  assert.equal(await processCpuMs(undefined), undefined);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duration, parseTraceQuery } from '../../../scripts/collector/parseTraceQuery';

const NOW = 1_700_000_000_000_000;

void describe('parseTraceQuery', () => {
  void it('reads Jaeger search parameters', () => {
    const parsed = parseTraceQuery(new URLSearchParams('service=s&operation=o&limit=5&start=10&end=20&minDuration=1ms&maxDuration=1.5s&tags={"a":"b"}&tag=c:d:e'), NOW);
    assert.deepEqual(parsed, {
      ok: true,
      query: { service: 's', operation: 'o', startMicros: 10, endMicros: 20, minDurationMicros: 1000, maxDurationMicros: 1_500_000, tags: { a: 'b', c: 'd:e' }, limit: 5, offset: 0, sort: '-start' },
    });
  });

  void it('defaults to the last hour, or the lookback, ending now, limit 100', () => {
    const plain = parseTraceQuery(new URLSearchParams(''), NOW);
    assert.ok(plain.ok);
    assert.equal(plain.query.endMicros, NOW);
    assert.equal(plain.query.startMicros, NOW - 3_600_000_000);
    assert.equal(plain.query.limit, 100);
    assert.equal(plain.query.service, undefined);
    const lookback = parseTraceQuery(new URLSearchParams('lookback=2d'), NOW);
    assert.ok(lookback.ok);
    assert.equal(lookback.query.startMicros, NOW - 2 * 86_400_000_000);
  });

  void it('reads the services whose own traces are hidden', () => {
    const parsed = parseTraceQuery(new URLSearchParams('hideService=a&hideService=b&hideService='), NOW);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.query.hiddenServices, ['a', 'b']);
  });

  void it('reads the viewer\'s paging and sort', () => {
    const parsed = parseTraceQuery(new URLSearchParams('limit=100&offset=200&sort=-duration'), NOW);
    assert.ok(parsed.ok);
    assert.equal(parsed.query.offset, 200);
    assert.equal(parsed.query.sort, '-duration');
  });

  for (const bad of ['offset=-1', 'offset=x', 'sort=size', 'sort=--start', 'limit=x', 'limit=-1', 'start=1.5', 'lookback=soon', 'minDuration=5', 'tags=[1]', 'tags={', 'tag=novalue']) {
    void it(`rejects ${bad}`, () => {
      const parsed = parseTraceQuery(new URLSearchParams(bad), NOW);
      assert.equal(parsed.ok, false);
    });
  }

  void it('reads Go durations', () => {
    assert.equal(duration('1h30m', 'd'), 5_400_000_000);
    assert.equal(duration('250µs', 'd'), 250);
    assert.throws(() => duration('1h junk', 'd'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredSpan } from '../../../scripts/collector/storedSpan';
import { TraceStore } from '../../../scripts/collector/traceStore';

function span(traceNo: number, spanNo: number, service: string, startMillis: number, extra: Partial<StoredSpan> = {}): StoredSpan {
  return {
    traceId: traceNo.toString(16).padStart(32, '0'),
    spanId: spanNo.toString(16).padStart(16, '0'),
    parentSpanId: '',
    traceState: '',
    flags: 1,
    name: `op${spanNo}`,
    kind: 1,
    startTimeUnixNano: (BigInt(startMillis) * 1_000_000n).toString(),
    endTimeUnixNano: (BigInt(startMillis + 10) * 1_000_000n).toString(),
    attributes: [],
    events: [],
    links: [],
    status: { code: 0, message: '' },
    serviceName: service,
    resource: [],
    scope: { name: '', version: '' },
    ...extra,
  };
}

const ALL = { startMicros: 0, endMicros: Number.MAX_SAFE_INTEGER, limit: 100 };

void describe('TraceStore', () => {
  void it('leaves out traces made only of a hidden service\'s spans, and counts them out of the total', () => {
    const store = new TraceStore(10);
    store.add([span(1, 1, 'sweeper', 1000), span(1, 6, 'sweeper', 1001, { parentSpanId: '0000000000000001' })]); // a pass on its own
    store.add([span(2, 2, 'shop', 1001), span(2, 3, 'sweeper', 1002, { parentSpanId: '0000000000000002' })]); // an order the sweeper touched
    store.add([span(3, 4, 'sweeper', 1003), span(3, 5, 'shop', 1004, { parentSpanId: '0000000000000004' })]); // an order the sweeper republished
    const ids = (query: Parameters<TraceStore['search']>[0]) => store.search(query).traces.map((spans) => Number.parseInt(spans[0]?.traceId ?? '', 16));
    assert.deepEqual(ids({ ...ALL, hiddenServices: ['sweeper'] }), [3, 2]);
    assert.equal(store.search({ ...ALL, hiddenServices: ['sweeper'] }).total, 2);
    assert.deepEqual(ids(ALL), [3, 2, 1]);
  });

  void it('groups batches by trace id and keeps a retried span once', () => {
    const store = new TraceStore(10);
    assert.equal(store.add([span(1, 1, 'a', 1000)]).length, 1);
    assert.equal(store.add([span(1, 2, 'b', 1001), span(1, 1, 'a', 1000)]).length, 1);
    assert.deepEqual(store.get('1'.padStart(32, '0'))?.map((s) => s.spanId), ['0000000000000001', '0000000000000002']);
    assert.deepEqual(store.services(), ['a', 'b']);
  });

  void it('evicts the trace that received a span longest ago beyond maxTraces', () => {
    const store = new TraceStore(2);
    store.add([span(1, 1, 'a', 1000)]);
    store.add([span(2, 2, 'a', 2000)]);
    store.add([span(1, 3, 'a', 1001)]); // trace 1 is touched again
    store.add([span(3, 4, 'a', 3000)]);
    assert.equal(store.size, 2);
    assert.equal(store.get('2'.padStart(32, '0')), undefined);
    assert.equal(store.get('1'.padStart(32, '0'))?.length, 2);
    assert.ok(store.get('3'.padStart(32, '0')));
  });

  void it('finds traces by service, operation, time, duration and tags, latest start first', () => {
    const store = new TraceStore(10);
    store.add([span(1, 1, 'a', 1000), span(1, 2, 'b', 1005, { attributes: [{ key: 'k', type: 'string', value: 'v' }] })]);
    store.add([span(2, 3, 'a', 3000, { status: { code: 2, message: '' } })]);
    store.add([span(3, 4, 'b', 2000)]);
    const ids = (query: Parameters<TraceStore['find']>[0]): string[] => store.find(query).map((t) => t[0]?.traceId.replace(/^0+/, '') ?? '');
    assert.deepEqual(ids({ ...ALL, service: 'a' }), ['2', '1']);
    assert.deepEqual(ids({ ...ALL, service: 'b' }), ['3', '1']);
    assert.deepEqual(ids({ ...ALL, service: 'a', limit: 1 }), ['2']);
    assert.deepEqual(ids({ ...ALL }), ['2', '3', '1']);
    assert.deepEqual(ids({ ...ALL, operation: 'op4' }), ['3']);
    assert.deepEqual(ids({ ...ALL, startMicros: 1_500_000, endMicros: 2_500_000 }), ['3']);
    assert.deepEqual(ids({ ...ALL, tags: { k: 'v' } }), ['1']);
    assert.deepEqual(ids({ ...ALL, tags: { error: 'true' } }), ['2']);
    assert.deepEqual(ids({ ...ALL, minDurationMicros: 20_000 }), []);
  });

  void it('sorts by duration, errors or spans, pages with offset, and counts every match', () => {
    const store = new TraceStore(10);
    const long = (traceNo: number, spanNo: number, startMillis: number, millis: number): StoredSpan => ({
      ...span(traceNo, spanNo, 'a', startMillis),
      endTimeUnixNano: (BigInt(startMillis + millis) * 1_000_000n).toString(),
    });
    store.add([long(1, 1, 1000, 50)]);
    store.add([long(2, 2, 2000, 500), span(2, 3, 'a', 2001, { status: { code: 2, message: '' } }), span(2, 4, 'a', 2002)]);
    store.add([long(3, 3, 3000, 5)]);
    const page = (query: Partial<Parameters<TraceStore['search']>[0]>): [string[], number] => {
      const found = store.search({ ...ALL, ...query });
      return [found.traces.map((t) => t[0]?.traceId.replace(/^0+/, '') ?? ''), found.total];
    };
    assert.deepEqual(page({}), [['3', '2', '1'], 3]);
    assert.deepEqual(page({ sort: 'start' }), [['1', '2', '3'], 3]);
    assert.deepEqual(page({ sort: '-duration' }), [['2', '1', '3'], 3]);
    assert.deepEqual(page({ sort: 'duration' }), [['3', '1', '2'], 3]);
    assert.deepEqual(page({ sort: '-errors' }), [['2', '3', '1'], 3], 'ties: latest first');
    assert.deepEqual(page({ sort: '-spans', limit: 1 }), [['2'], 3]);
    assert.deepEqual(page({ sort: '-duration', limit: 2, offset: 1 }), [['1', '3'], 3]);
    assert.deepEqual(page({ offset: 5 }), [[], 3]);
  });

  void it('indexes operations with their span kind', () => {
    const store = new TraceStore(10);
    store.add([span(1, 2, 'a', 1000, { kind: 2 }), span(1, 1, 'a', 1000)]);
    assert.deepEqual(store.operations('a'), [
      { name: 'op1', spanKind: 'internal' },
      { name: 'op2', spanKind: 'server' },
    ]);
    assert.deepEqual(store.operations('a', 'server'), [{ name: 'op2', spanKind: 'server' }]);
    assert.deepEqual(store.operations('nobody'), []);
  });
});

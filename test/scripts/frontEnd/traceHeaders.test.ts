import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forwardTrace, readCallerTrace } from '../../../scripts/frontEnd/traceHeaders';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const FRONT_SPAN = 'aaaaaaaaaaaaaaaa';
// Fixed ids: 16 bytes for a new trace, 8 for the front end's span.
const ids = (bytes: number): string => (bytes === 16 ? 'c'.repeat(32) : FRONT_SPAN);
const decide = (next: boolean) => ({ sampleNext: () => next, sampleForced: () => true });

describe('readCallerTrace', () => {
  const cases: [string, Record<string, string | string[]>, ReturnType<typeof readCallerTrace>][] = [
    ['a sampled traceparent (its flag does not force sampling)', { traceparent: `00-${TRACE}-${SPAN}-01` }, { traceId: TRACE, parentSpanId: SPAN, forced: false }],
    ['a traceparent with X-Cloud-Trace-Context o=1 for the same trace', { traceparent: `00-${TRACE}-${SPAN}-00`, 'x-cloud-trace-context': `${TRACE}/5;o=1` }, { traceId: TRACE, parentSpanId: SPAN, forced: true }],
    ['an unsampled traceparent', { traceparent: `00-${TRACE}-${SPAN}-00` }, { traceId: TRACE, parentSpanId: SPAN, forced: false }],
    ['an upper-case traceparent', { traceparent: `00-${TRACE.toUpperCase()}-${SPAN}-00` }, { traceId: TRACE, parentSpanId: SPAN, forced: false }],
    ['a future version with more fields', { traceparent: `01-${TRACE}-${SPAN}-01-extra` }, { traceId: TRACE, parentSpanId: SPAN, forced: false }],
    ['X-Cloud-Trace-Context forced with o=1', { 'x-cloud-trace-context': `${TRACE}/123;o=1` }, { traceId: TRACE, parentSpanId: '000000000000007b', forced: true }],
    ['X-Cloud-Trace-Context with o=0', { 'x-cloud-trace-context': `${TRACE}/123;o=0` }, { traceId: TRACE, parentSpanId: '000000000000007b', forced: false }],
    ['X-Cloud-Trace-Context with a trace id only', { 'x-cloud-trace-context': TRACE }, { traceId: TRACE, parentSpanId: undefined, forced: false }],
    ['traceparent wins over X-Cloud-Trace-Context', { traceparent: `00-${TRACE}-${SPAN}-00`, 'x-cloud-trace-context': `${'d'.repeat(32)}/1;o=1` }, { traceId: TRACE, parentSpanId: SPAN, forced: false }],
    ['a malformed traceparent falls back to X-Cloud-Trace-Context', { traceparent: 'garbage', 'x-cloud-trace-context': `${TRACE}/1;o=1` }, { traceId: TRACE, parentSpanId: '0000000000000001', forced: true }],
    ['version ff', { traceparent: `ff-${TRACE}-${SPAN}-01` }, undefined],
    ['version 00 with a fifth field', { traceparent: `00-${TRACE}-${SPAN}-01-x` }, undefined],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` }, undefined],
    ['an all-zero span id', { traceparent: `00-${TRACE}-${'0'.repeat(16)}-01` }, undefined],
    ['a short trace id', { traceparent: `00-${TRACE.slice(1)}-${SPAN}-01` }, undefined],
    ['two traceparent headers', { traceparent: [`00-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-00`] }, undefined],
    ['an X-Cloud-Trace-Context span id of 2^64', { 'x-cloud-trace-context': `${TRACE}/18446744073709551616;o=1` }, { traceId: TRACE, parentSpanId: undefined, forced: true }],
    ['an X-Cloud-Trace-Context of zeros', { 'x-cloud-trace-context': `${'0'.repeat(32)}/1;o=1` }, undefined],
    ['no headers', {}, undefined],
  ];
  for (const [name, headers, expected] of cases) {
    it(name, () => assert.deepEqual(readCallerTrace(headers), expected));
  }
});

describe('forwardTrace', () => {
  it('starts a trace when the caller sent none, sampled as the bucket says, in both header forms', () => {
    assert.deepEqual(forwardTrace(undefined, decide(false), ids), {
      traceId: 'c'.repeat(32),
      spanId: FRONT_SPAN,
      parentSpanId: undefined,
      sampled: false,
      headers: {
        traceparent: `00-${'c'.repeat(32)}-${FRONT_SPAN}-00`,
        'x-cloud-trace-context': `${'c'.repeat(32)}/${BigInt(`0x${FRONT_SPAN}`)};o=0`,
      },
    });
    assert.equal(forwardTrace(undefined, decide(true), ids).headers.traceparent, `00-${'c'.repeat(32)}-${FRONT_SPAN}-01`);
  });

  it("keeps the caller's trace id and makes its span the front end span's parent", () => {
    const out = forwardTrace({ traceId: TRACE, parentSpanId: SPAN, forced: false }, decide(false), ids);
    assert.equal(out.traceId, TRACE);
    assert.equal(out.parentSpanId, SPAN);
    assert.equal(out.headers.traceparent, `00-${TRACE}-${FRONT_SPAN}-00`);
  });

  it('an unforced caller gets the rate-limited flag even when it sent one', () => {
    const calls: string[] = [];
    const out = forwardTrace({ traceId: TRACE, parentSpanId: SPAN, forced: false }, { sampleNext: () => (calls.push('next'), true), sampleForced: () => (calls.push('forced'), false) }, ids);
    assert.deepEqual(calls, ['next']);
    assert.equal(out.sampled, true);
  });

  it('a forced caller is sampled from the forced budget', () => {
    const calls: string[] = [];
    const out = forwardTrace({ traceId: TRACE, parentSpanId: undefined, forced: true }, { sampleNext: () => (calls.push('next'), false), sampleForced: () => (calls.push('forced'), true) }, ids);
    assert.deepEqual(calls, ['forced']);
    assert.equal(out.headers['x-cloud-trace-context'], `${TRACE}/${BigInt(`0x${FRONT_SPAN}`)};o=1`);
  });

  it('draws again when the random source gives an all-zero id', () => {
    const draws = ['0'.repeat(16), '1'.repeat(16)];
    const out = forwardTrace({ traceId: TRACE, parentSpanId: SPAN, forced: false }, decide(false), () => draws.shift()!);
    assert.equal(out.spanId, '1'.repeat(16));
  });
});

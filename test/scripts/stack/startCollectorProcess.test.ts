import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCollectorProcess } from '../../../scripts/stack/startCollectorProcess';
import { isAlive } from '../../support/isAlive';


const TRACE_ID = '5b8efff798038103d269b633813fc60c';

async function postProbeSpan(collector: { host: string; httpPort: number }, traceId = TRACE_ID): Promise<void> {
  const posted = await fetch(`http://${collector.host}:${collector.httpPort}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'probe' } }] },
          scopeSpans: [{ spans: [{ traceId, spanId: 'eee19b7ec3c1b174', name: 'probe', kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000' }] }],
        },
      ],
    }),
  });
  assert.equal(posted.status, 200);
}

async function operationOf(collector: { host: string; queryPort: number }, traceId = TRACE_ID): Promise<string | number> {
  const res = await fetch(`http://${collector.host}:${collector.queryPort}/api/traces/${traceId}`);
  if (!res.ok) return res.status;
  const trace = (await res.json()) as { data: Array<{ spans: Array<{ operationName: string }> }> };
  return trace.data[0]?.spans[0]?.operationName ?? 'no span';
}

test('runs the collector as its own process on free ports and stops it', async () => {
  const collector = await startCollectorProcess({ grpcPort: 0, httpPort: 0, queryPort: 0 });
  try {
    assert.ok(collector.pid && collector.pid !== process.pid && isAlive(collector.pid));
    assert.ok(collector.grpcPort > 0 && collector.httpPort > 0 && collector.queryPort > 0);
    await postProbeSpan(collector);
    assert.equal(await operationOf(collector), 'probe');
  } finally {
    await collector.close();
  }
  assert.equal(isAlive(collector.pid!), false, 'the collector process is gone after close()');
});

test('with --file, a collector killed and started again still answers for the traces it had', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'collector-file-')), 'traces.jsonl');
  const first = await startCollectorProcess({ grpcPort: 0, httpPort: 0, queryPort: 0, file });
  await postProbeSpan(first);
  assert.equal(await operationOf(first), 'probe');
  // A crash, not a stop: nothing gets a chance to save anything at the end.
  process.kill(first.pid!, 'SIGKILL');
  await first.exited;
  const again = await startCollectorProcess({ grpcPort: 0, httpPort: 0, queryPort: 0, file });
  try {
    assert.equal(await operationOf(again), 'probe', 'the trace survived the restart');
    await postProbeSpan(again, '6c9f0000000000000000000000000001');
    assert.equal(await operationOf(again, '6c9f0000000000000000000000000001'), 'probe', 'and new ones are still kept');
  } finally {
    await again.close();
  }
});

test('a port in use is reported as EADDRINUSE', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    await assert.rejects(startCollectorProcess({ grpcPort: 0, httpPort: port, queryPort: 0 }), (error: unknown) => (error as NodeJS.ErrnoException).code === 'EADDRINUSE');
  } finally {
    blocker.close();
  }
});

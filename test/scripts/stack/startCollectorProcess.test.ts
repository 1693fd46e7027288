import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startCollectorProcess } from '../../../scripts/stack/startCollectorProcess';
import { isAlive } from '../../support/isAlive';


test('runs the collector as its own process on free ports and stops it', async () => {
  const collector = await startCollectorProcess({ grpcPort: 0, httpPort: 0, queryPort: 0 });
  try {
    assert.ok(collector.pid && collector.pid !== process.pid && isAlive(collector.pid));
    assert.ok(collector.grpcPort > 0 && collector.httpPort > 0 && collector.queryPort > 0);
    const posted = await fetch(`http://${collector.host}:${collector.httpPort}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'probe' } }] },
            scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'probe', kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000' }] }],
          },
        ],
      }),
    });
    assert.equal(posted.status, 200);
    const trace = (await (await fetch(`http://${collector.host}:${collector.queryPort}/api/traces/5b8efff798038103d269b633813fc60c`)).json()) as { data: Array<{ spans: Array<{ operationName: string }> }> };
    assert.equal(trace.data[0]?.spans[0]?.operationName, 'probe');
  } finally {
    await collector.close();
  }
  assert.equal(isAlive(collector.pid!), false, 'the collector process is gone after close()');
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

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { cloudTraceApiUrl, cloudTraceClient, cloudTraceConsoleUrl } from '../../../scripts/load/cloudTraceClient';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const AUTH = { getRequestHeaders: () => Promise.resolve(new Headers({ authorization: 'Bearer t0k' })) };

// A server that answers by trace id: enough to see what the client makes of each answer.
const seen: { url: string; authorization: string | undefined }[] = [];
const server = createServer((req, res) => {
  seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
  const id = (req.url ?? '').split('/').pop();
  if (id === TRACE_ID) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ projectId: 'my proj', traceId: TRACE_ID, spans: [{ spanId: '255', kind: 'RPC_SERVER', name: 'POST /' }] }));
  } else if (id === 'f'.repeat(32)) {
    res.writeHead(503).end('backend unavailable');
  } else {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, status: 'NOT_FOUND' } }));
  }
});
let base: string;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('GET /v1/projects/{project}/traces/{id} with the credentials\' Authorization header; the answer mapped for checkTrace', async () => {
  const lookup = await cloudTraceClient(base, 'my proj', AUTH)(TRACE_ID);
  assert.deepEqual(seen.at(-1), { url: `/v1/projects/my%20proj/traces/${TRACE_ID}`, authorization: 'Bearer t0k' });
  assert.ok('trace' in lookup && lookup.trace);
  assert.deepEqual(
    lookup.trace.spans.map((s) => [s.spanID, s.operationName, s.tags?.find((t) => t.key === 'span.kind')?.value]),
    [['00000000000000ff', 'POST /', 'server']],
  );
});

test('404 is "not there yet"; an error answer, a dead server or failing credentials is an error, never a throw', async () => {
  assert.deepEqual(await cloudTraceClient(base, 'p', AUTH)('1'.repeat(32)), { trace: undefined });
  assert.deepEqual(await cloudTraceClient(base, 'p', AUTH)('f'.repeat(32)), { error: `503 from ${base}: backend unavailable` });
  const dead = await cloudTraceClient('http://127.0.0.1:9', 'p', AUTH)(TRACE_ID);
  assert.ok('error' in dead && /127\.0\.0\.1:9/.test(dead.error), JSON.stringify(dead));
  const noCredentials = { getRequestHeaders: () => Promise.reject(new Error('Could not load the default credentials')) };
  assert.deepEqual(await cloudTraceClient(base, 'p', noCredentials)(TRACE_ID), { error: `Could not load the default credentials (${base})` });
});

test('links: the API JSON and the console trace explorer', () => {
  assert.equal(cloudTraceApiUrl('https://cloudtrace.googleapis.com', 'p-1', TRACE_ID), `https://cloudtrace.googleapis.com/v1/projects/p-1/traces/${TRACE_ID}`);
  assert.equal(cloudTraceConsoleUrl('p-1', TRACE_ID), `https://console.cloud.google.com/traces/list?project=p-1&tid=${TRACE_ID}`);
});

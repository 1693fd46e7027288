import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startHarness } from './harness';
import { waitFor } from '../../support/waitFor';

void test('concurrent pushes per subscription are capped at 100, over reused sockets', async () => {
  let open = 0;
  let maxOpen = 0;
  const seen = new Set<string>();
  const sockets = new Set<unknown>();
  const server = http.createServer((req, res) => {
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    sockets.add(req.socket);
    req.resume();
    req.on('end', () => {
      // Hold each answer briefly so pushes overlap.
      setTimeout(() => {
        seen.add(String(req.headers['ce-id']));
        open -= 1;
        res.statusCode = 204;
        res.end();
      }, 30);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const h = await startHarness();
  try {
    const { port } = server.address() as AddressInfo;
    const [topic] = await h.pubsub.createTopic('load-topic');
    await topic.createSubscription('load-sub', { pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/` } });
    await Promise.all(Array.from({ length: 400 }, (_, i) => topic.publishMessage({ data: Buffer.from(`l${i}`) })));
    await waitFor('all 400 pushes', () => (seen.size === 400 ? true : undefined), 30_000);
    assert.ok(maxOpen <= 100, `at most 100 in flight, saw ${maxOpen}`);
    assert.ok(maxOpen > 1, 'pushes run in parallel');
    assert.ok(sockets.size <= 100, `keep-alive sockets reused, saw ${sockets.size}`);
  } finally {
    await h.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

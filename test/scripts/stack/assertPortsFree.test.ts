import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { PortInUseError, assertPortsFree, findFreePort, isPortFree } from '../../../scripts/stack/assertPortsFree';

const HOST = '127.0.0.1';

void describe('assertPortsFree', () => {
  let busy: Server;
  let busyPort: number;

  before(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen({ host: HOST, port: 0 }, resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  void it('sees a listening port as taken and a closed one as free', async () => {
    assert.equal(await isPortFree(HOST, busyPort), false);
    const free = await findFreePort(HOST);
    assert.equal(await isPortFree(HOST, free), true);
    assert.equal(await isPortFree(HOST, 0), true);
  });

  void it('names every busy part, its port and the way out', async () => {
    const free = await findFreePort(HOST);
    const err = await assertPortsFree(HOST, [
      { part: 'Pub/Sub emulator', port: busyPort, hint: 'set --pubsub-port or PUBSUB_EMULATOR_HOST' },
      { part: 'createOrder', port: free, hint: 'set --create-port' },
      { part: 'trace query API', port: busyPort, hint: 'set --query-port' },
    ]).then(
      () => assert.fail('expected PortInUseError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PortInUseError);
    assert.deepEqual(
      err.busy.map((w) => w.part),
      ['Pub/Sub emulator', 'trace query API'],
    );
    assert.equal(
      err.message,
      `port ${busyPort} (Pub/Sub emulator) is in use; set --pubsub-port or PUBSUB_EMULATOR_HOST\n` +
        `port ${busyPort} (trace query API) is in use; set --query-port`,
    );
  });

  void it('passes when all ports are free or 0', async () => {
    await assertPortsFree(HOST, [
      { part: 'a', port: 0, hint: '' },
      { part: 'b', port: await findFreePort(HOST), hint: '' },
    ]);
  });
});

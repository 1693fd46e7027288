import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FREE_PORT_ARGS } from '../../../scripts/stack/parseStackOptions';
import { listeningAddresses, portsNamed, startStackProcess } from './stackProcess';

// A local dev stack binds the loopback unless asked otherwise: nothing it starts may be
// reachable from the network (functions-framework alone would bind every interface).
void describe('binding', () => {
  void it('every part of the stack, the functions and the recovery sweeper included, listens on 127.0.0.1 only', async () => {
    const stack = startStackProcess([...FREE_PORT_ARGS, '--emulators=bundled']);
    try {
      await stack.waitFor(/Local stack ready in/, 90_000);
      const named = portsNamed(stack.output());
      const sweeper = Number(/recovery sweeper on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stack.output())?.[1]);
      assert.ok(named.includes(sweeper), 'the sweeper is among the ports checked');
      assert.ok(named.length >= 8, stack.output());
      const bound = Object.fromEntries(named.map((port) => [port, listeningAddresses(port)]));
      for (const [port, addresses] of Object.entries(bound)) assert.deepEqual(addresses, ['127.0.0.1'], `port ${port}: ${JSON.stringify(bound)}`);
    } finally {
      process.kill(stack.pid, 'SIGTERM');
      await stack.exit;
    }
  });
});

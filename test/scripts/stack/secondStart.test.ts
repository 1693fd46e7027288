import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FREE_PORT_ARGS } from '../../../scripts/stack/parseStackOptions';
import { runningStacks, stackStateDir } from '../../../scripts/stack/stackState';
import { startStackProcess } from './stackProcess';

const FLAG_OF: Record<string, string> = {
  createOrder: '--create-port',
  processOrder: '--process-port',
  sweeper: '--sweep-port',
  pubsub: '--pubsub-port',
  firestore: '--firestore-port',
  otlpGrpc: '--otlp-grpc-port',
  otlpHttp: '--otlp-http-port',
  query: '--query-port',
};

void describe('a second npm start', () => {
  void it('on the ports of a running stack says it is already running, its pid, ports and the ways out, and exits 3', async () => {
    // A folder of its own for the stacks' records, so other stacks on this machine do not count.
    const env = { TMPDIR: mkdtempSync(path.join(tmpdir(), 'second-start-')) };
    const first = startStackProcess([...FREE_PORT_ARGS, '--emulators=bundled'], { env });
    try {
      await first.waitFor(/Local stack ready in/, 90_000);
      const [state] = runningStacks(stackStateDir(env));
      assert.equal(state?.pid, first.pid, 'the running stack recorded itself');
      const samePorts = Object.entries(state.ports).map(([part, port]) => `${FLAG_OF[part]}=${port}`);
      const second = startStackProcess([...samePorts, '--emulators=bundled'], { env });
      assert.equal(await second.exit, 3, second.output());
      const out = second.output();
      assert.match(out, new RegExp(`A local stack is already running: pid ${first.pid}, started `));
      assert.match(out, new RegExp(`ports: createOrder ${state.ports.createOrder}, processOrder ${state.ports.processOrder}, sweeper ${state.ports.sweeper}`));
      assert.match(out, new RegExp(`stop it: +kill ${first.pid}`));
      assert.match(out, /npm start -- --create-port=0 --process-port=0/);
      assert.doesNotMatch(out, /is in use; set --/, 'not the list of busy ports');
    } finally {
      process.kill(first.pid, 'SIGTERM');
      await first.exit;
    }
    assert.deepEqual(runningStacks(stackStateDir(env)), [], 'a stopped stack removes its record');
  });
});

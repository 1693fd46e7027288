import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { FREE_PORT_ARGS } from '../../../scripts/stack/parseStackOptions';
import { isAlive } from '../../support/isAlive';
import { startStackProcess } from './stackProcess';

const run = (args: string[]) => startStackProcess(args);

void describe('npm start (scripts/start.js)', () => {
  void it('--help prints usage and exits 0', async () => {
    const r = run(['--help']);
    assert.equal(await r.exit, 0);
    assert.match(r.output(), /^Usage: npm start/m);
    assert.match(r.output(), /--pubsub-port/);
  });

  void it('a bad flag exits 2 naming it', async () => {
    const r = run(['--exporter', 'zipkin']);
    assert.equal(await r.exit, 2);
    assert.match(r.output(), /--exporter must be one of otlp, console, none, got "zipkin"/);
  });

  void it('a taken port exits 1 naming the part and the way out', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run([...FREE_PORT_ARGS, '--emulators=bundled', `--query-port=${port}`]);
      assert.equal(await r.exit, 1);
      assert.match(r.output(), new RegExp(`port ${port} \\(trace query API\\) is in use; set --query-port`));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  void it('starts, prints the banner, and on SIGINT stops its functions and exits 0', async () => {
    const r = run([...FREE_PORT_ARGS, '--emulators=bundled']);
    try {
      await r.waitFor(/Local stack ready in [\d.]+ s/, 90_000);
      const pids = [...r.output().matchAll(/\[stack\] (createOrder|processOrder) started as pid (\d+)/g)].map((m) => Number(m[2]));
      assert.equal(pids.length, 2, r.output());
      assert.ok(pids.every(isAlive));
      assert.match(r.output(), /curl -s -X POST http:\/\/localhost:\d+\/ -H 'content-type: application\/json' -d '\{"customerId"/);
      assert.match(r.output(), /curl http:\/\/localhost:\d+\/api\/traces\/<traceId>/);

      process.kill(r.pid, 'SIGINT');
      assert.equal(await r.exit, 0, r.output());
      assert.match(r.output(), /SIGINT: stopping the local stack/);
      assert.match(r.output(), /Stopped\./);
      assert.doesNotMatch(r.output(), /exited unexpectedly|did not exit/);
      for (const pid of pids) assert.equal(isAlive(pid), false, `function pid ${pid} still running`);
    } finally {
      // SIGTERM, not SIGKILL: the runner must live long enough to stop its functions.
      if (isAlive(r.pid)) {
        process.kill(r.pid, 'SIGTERM');
        await Promise.race([r.exit, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      }
    }
  });
});

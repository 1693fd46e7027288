import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { findUnreachable } from '../../../scripts/cli/findUnreachable';

async function listening(): Promise<net.Server> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = await listening();
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

void describe('findUnreachable', () => {
  void it('names only the endpoints nothing answers on, whatever the address form', async () => {
    const server = await listening();
    const up = (server.address() as net.AddressInfo).port;
    const down = await closedPort();
    try {
      const missing = await findUnreachable([
        { what: 'up url', address: `http://127.0.0.1:${up}/` },
        { what: 'up host:port', address: `127.0.0.1:${up}` },
        { what: 'down url', address: `http://127.0.0.1:${down}` },
        { what: 'down host:port', address: `127.0.0.1:${down}` },
        { what: 'unresolvable', address: 'http://no-such-host.invalid:80' },
      ]);
      assert.deepEqual(
        missing.map((e) => e.what),
        ['down url', 'down host:port', 'unresolvable'],
      );
    } finally {
      server.close();
    }
  });
});

void describe('npm run load without a stack', () => {
  void it('fails in one line that says to run npm start, exit 1, no stack trace', async () => {
    const down = await closedPort();
    const run = spawnSync(
      process.execPath,
      [
        path.resolve(__dirname, '../../../scripts/load.js'),
        '--orders', '1',
        '--target', `http://127.0.0.1:${down}/`,
        '--otlp', `http://127.0.0.1:${down}`,
        '--traces', `http://127.0.0.1:${down}`,
        '--firestore', `127.0.0.1:${down}`,
      ],
      { encoding: 'utf8', env: { ...process.env, FIRESTORE_EMULATOR_HOST: '' } },
    );
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^Nothing answers at http:\/\/127\.0\.0\.1:\d+\/ \(createOrder\), .*: start the local stack with `npm start`/);
  });
});

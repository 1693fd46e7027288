import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCollectorArgs } from '../../../scripts/collector/parseCollectorArgs';

const MAIN = join(__dirname, '../../../scripts/collector/main.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI; when `untilReady`, sends SIGTERM once the ready line appears. Killed after 15 s regardless. */
function runCli(args: readonly string[], untilReady: boolean): Promise<Run> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (untilReady && !signalled && stdout.includes('collector ready')) {
      signalled = true; // once: a second SIGTERM means "stop now" and would kill it
      child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

void describe('collector CLI', () => {
  void it('prints one ready line with the three addresses and exits 0 on SIGTERM', async () => {
    const run = await runCli(['--grpc-port', '0', '--http-port', '0', '--query-port', '0'], true);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^collector ready: otlp-grpc=127\.0\.0\.1:\d+ otlp-http=http:\/\/127\.0\.0\.1:\d+\/v1\/traces query\+viewer=http:\/\/127\.0\.0\.1:\d+\/\n$/);
  });

  void it('exits 2 with a clear message when a port is in use', async (t) => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    t.after(() => holder.close());
    const port = (holder.address() as AddressInfo).port;
    const run = await runCli(['--grpc-port', '0', '--http-port', '0', '--query-port', String(port)], true);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /already in use/);
    assert.equal(run.stdout, '');
  });

  void it('exits 0 on --help and 64 on a bad argument', async () => {
    const help = await runCli(['--help'], false);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--max-traces/);
    const bad = await runCli(['--max-traces', '0'], false);
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /--max-traces must be an integer/);
  });
});

void describe('parseCollectorArgs', () => {
  void it('reads every flag', () => {
    assert.deepEqual(parseCollectorArgs(['--host', '127.0.0.2', '--grpc-port', '1', '--http-port=2', '--query-port', '3', '--max-traces', '4', '--file', 'f.jsonl']), {
      help: false,
      options: { host: '127.0.0.2', grpcPort: 1, httpPort: 2, queryPort: 3, maxTraces: 4, file: 'f.jsonl' },
    });
    assert.deepEqual(parseCollectorArgs([]), { help: false, options: { host: undefined, grpcPort: undefined, httpPort: undefined, queryPort: undefined, maxTraces: undefined, file: undefined } });
    assert.deepEqual(parseCollectorArgs(['--help']), { help: true });
  });

  for (const bad of [['--grpc-port', '70000'], ['--http-port', '-1'], ['--nope'], ['stray']]) {
    void it(`rejects ${bad.join(' ')}`, () => {
      assert.throws(() => parseCollectorArgs(bad), { name: 'CollectorUsageError' });
    });
  }
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { PubSub } from '@google-cloud/pubsub';
import { waitFor } from '../../support/waitFor';

const MAIN = path.join(__dirname, '..', '..', '..', 'scripts', 'pubsubEmulator', 'main.js');

interface Run {
  readonly code: Promise<number | null>;
  readonly output: () => string;
  kill(signal: NodeJS.Signals): void;
}

function run(args: readonly string[]): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    code: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    output: () => output,
    kill: (signal) => child.kill(signal),
  };
}

void test('--help prints usage and exits 0', async () => {
  const cli = run(['--help']);
  assert.equal(await cli.code, 0);
  assert.match(cli.output(), /Usage: .*--port/);
});

void test('a bad --port exits 2 with a message', async () => {
  const cli = run(['--port', 'eighty']);
  assert.equal(await cli.code, 2);
  assert.match(cli.output(), /--port must be an integer/);
});

void test('prints the ready line, serves the real client, exits 0 on SIGTERM', async () => {
  const cli = run(['--port', '0']);
  try {
    const line = await waitFor('the ready line', () => /pubsub emulator listening on 127\.0\.0\.1:(\d+)\n/.exec(cli.output()) ?? undefined);
    const pubsub = new PubSub({ projectId: 'demo-test', apiEndpoint: `127.0.0.1:${line[1]}`, emulatorMode: true });
    const [topic] = await pubsub.createTopic('cli-topic');
    assert.equal(topic.name, 'projects/demo-test/topics/cli-topic');
    await pubsub.close();
  } finally {
    cli.kill('SIGTERM');
  }
  assert.equal(await cli.code, 0);
});

void test('a port in use exits 2 and says so', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = blocker.address() as net.AddressInfo;
    const cli = run(['--port', String(port)]);
    assert.equal(await cli.code, 2);
    assert.match(cli.output(), new RegExp(`port 127\\.0\\.0\\.1:${port} is already in use`));
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

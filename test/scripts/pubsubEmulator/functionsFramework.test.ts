import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Harness } from './harness';
import { PROJECT, startHarness } from './harness';
import { waitFor } from '../../support/waitFor';

// The package exports only its index; main.js (the functions-framework binary) sits next to it.
const FRAMEWORK = path.join(path.dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
const FIXTURE = path.join(__dirname, 'fixtures', 'recordEvent.js');

let h: Harness;
let framework: ChildProcess;
let port: number;
let eventsFile: string;
let tmp: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(p));
    });
  });
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pubsub-ff-'));
  eventsFile = path.join(tmp, 'events.jsonl');
  h = await startHarness({ minBackoffMs: 50, maxBackoffMs: 200 });
  port = await freePort();
  framework = spawn(process.execPath, [FRAMEWORK, '--target=recordEvent', '--signature-type=cloudevent', `--source=${FIXTURE}`, `--port=${port}`], {
    env: { ...process.env, EVENTS_FILE: eventsFile, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  framework.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  framework.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(`functions-framework to start (output so far: ${output})`, () => (output.includes('Serving function') ? true : undefined), 15_000);
});

after(async () => {
  if (framework.exitCode === null) {
    const exited = new Promise((resolve) => framework.once('exit', resolve));
    framework.kill('SIGTERM');
    await exited;
  }
  await h.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly specversion: string;
  readonly data: { message: { attributes: Record<string, string>; data: string; messageId: string }; subscription: string };
}

const readEvents = (): RecordedEvent[] =>
  fs.existsSync(eventsFile)
    ? fs
        .readFileSync(eventsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedEvent)
    : [];

void test('functions-framework parses the pushed CloudEvent; a thrown error is retried', async () => {
  const [topic] = await h.pubsub.createTopic('ff-topic');
  await topic.createSubscription('ff-push', { pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/` } });
  const attributes = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', googclient_traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'fail-first': 'yes' };
  const id = await topic.publishMessage({ data: Buffer.from('{"orderId":"o-9"}'), attributes });
  const events = await waitFor('two deliveries (the first one failed)', () => {
    const all = readEvents();
    return all.length >= 2 ? all : undefined;
  });
  for (const event of events.slice(0, 2)) {
    assert.equal(event.id, id);
    assert.equal(event.specversion, '1.0');
    assert.equal(event.type, 'google.cloud.pubsub.topic.v1.messagePublished');
    assert.equal(event.source, `//pubsub.googleapis.com/projects/${PROJECT}/topics/ff-topic`);
    assert.deepEqual(event.data.message.attributes, attributes);
    assert.equal(Buffer.from(event.data.message.data, 'base64').toString(), '{"orderId":"o-9"}');
    assert.equal(event.data.subscription, `projects/${PROJECT}/subscriptions/ff-push`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(readEvents().length, 2, 'the second (successful) invocation acknowledged it');
});

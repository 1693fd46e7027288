/* eslint-disable @typescript-eslint/no-require-imports -- tracing must start before the functions load */
/**
 * Ten thousand generated bad requests through the real createOrder (functions-framework,
 * real Firestore and Pub/Sub clients against the emulators, real SDK): every one is
 * refused with a 4xx and a JSON error naming what is wrong, and afterwards Firestore
 * holds nothing and the orders topic carried nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Firestore } from '@google-cloud/firestore';
import type { Message, PubSub, Subscription, Topic } from '@google-cloud/pubsub';
import { CATEGORIES, generateBadRequests } from '../support/badRequests';
import type { BadRequest, Category } from '../support/badRequests';
import { startEmulators } from '../support/startEmulators';
import type { TestEmulators } from '../support/startEmulators';

const PROJECT = 'demo-bad-input';
const SEED = 20261125;
const COUNT = 10_000;
const MAX_BODY_BYTES = 64 * 1024;
const CONCURRENCY = 16;
const SENTINEL_WAIT_MS = 10_000;

const exporter = new InMemorySpanExporter();
let emulators: TestEmulators | undefined;
let server: http.Server;
let port: number;
let db: Firestore;
let pubsub: PubSub;
let topic: Topic;
let subscription: Subscription;
const received: Message[] = [];

before(async () => {
  emulators = await startEmulators();
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: PROJECT,
    OTEL_SERVICE_NAME: 'bad-input-under-test',
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
  });
  const { initTracing } = require('cloud-functions-otel-tracing/internal/tracing') as typeof import('cloud-functions-otel-tracing/internal/tracing');
  const { loadConfig } = require('../../shared/config') as typeof import('../../shared/config');
  initTracing(loadConfig(process.env).tracing, { exporter });
  require('../../functions/index');
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  server = getTestServer('createOrder');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  const { PubSub } = require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
  const { Firestore } = require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
  pubsub = new PubSub({ projectId: PROJECT });
  db = new Firestore({ projectId: PROJECT });
  [topic] = await pubsub.createTopic('orders');
  [subscription] = await topic.createSubscription('bad-input-watch');
  subscription.on('message', (message: Message) => {
    message.ack();
    received.push(message);
  });
});

after(async () => {
  await subscription?.close();
  await pubsub?.close();
  await db?.terminate();
  await new Promise((resolve) => server?.close(resolve));
  await emulators?.close();
});

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

function send(agent: http.Agent, bad: BadRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...bad.headers };
    if (bad.body !== undefined) headers['content-length'] = bad.body.length;
    const req = http.request({ host: '127.0.0.1', port, method: bad.method, path: '/', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(bad.body);
  });
}

/** What is wrong with the answer, or undefined when it is what the request deserves. */
function judge(bad: BadRequest, answer: Answer): string | undefined {
  if (answer.status >= 500) return `server error ${answer.status}: ${answer.text.slice(0, 200)}`;
  if (!bad.status.includes(answer.status)) return `status ${answer.status}, expected ${bad.status.join(' or ')}: ${answer.text.slice(0, 200)}`;
  if (bad.method === 'HEAD') return answer.text === '' ? undefined : 'HEAD answered with a body';
  if (!answer.contentType.startsWith('application/json')) return `content type ${answer.contentType}: ${answer.text.slice(0, 200)}`;
  let body: { error?: unknown; problems?: unknown };
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    return `body is not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (typeof body.error !== 'string' || body.error === '') return `no error message: ${answer.text.slice(0, 200)}`;
  const problems = body.problems === undefined ? [] : body.problems;
  if (!Array.isArray(problems) || !problems.every((p) => typeof p === 'string')) return `problems is not a list of strings: ${answer.text.slice(0, 200)}`;
  if (answer.status === 400 && problems.length === 0) return `400 without problems: ${answer.text.slice(0, 200)}`;
  const said = [body.error, ...problems].join('\n');
  return bad.mentions.test(said) ? undefined : `error does not say ${String(bad.mentions)}: ${said.slice(0, 300)}`;
}

test(`${COUNT} generated bad requests are refused with a clear 4xx, and nothing is stored or published`, async (t) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const counts = new Map<Category, { sent: number; statuses: Map<number, number> }>(CATEGORIES.map((c) => [c, { sent: 0, statuses: new Map() }]));
  const failures: string[] = [];
  const requests = generateBadRequests({ seed: SEED, count: COUNT, maxBodyBytes: MAX_BODY_BYTES });
  let sent = 0;
  // Bounded concurrency: CONCURRENCY workers drain one shared generator.
  const worker = async (): Promise<void> => {
    for (let next = requests.next(); !next.done; next = requests.next()) {
      const bad = next.value;
      sent++;
      let answer: Answer;
      try {
        answer = await send(agent, bad);
      } catch (error) {
        failures.push(`[${bad.category}] ${bad.name}: request failed: ${(error as Error).message}`);
        continue;
      }
      const count = counts.get(bad.category)!;
      count.sent++;
      count.statuses.set(answer.status, (count.statuses.get(answer.status) ?? 0) + 1);
      const wrong = judge(bad, answer);
      if (wrong) failures.push(`[${bad.category}] ${bad.name}: ${wrong}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();

  for (const [category, { sent: n, statuses }] of counts) {
    t.diagnostic(`${category}: ${n} (${[...statuses].map(([status, k]) => `${status}×${k}`).join(', ')})`);
  }
  t.diagnostic(`total: ${sent} bad requests, ${failures.length} answered wrongly`);
  assert.equal(sent, COUNT);
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${COUNT} bad requests were answered wrongly`);
  for (const category of CATEGORIES) assert.ok(counts.get(category)!.sent >= COUNT / CATEGORIES.length - 1, `${category} was exercised`);

  // Nothing written (the emulator does not implement listing collections, so count orders).
  assert.equal((await db.collection('orders').count().get()).data().count, 0, 'no order was stored');

  // Nothing published: a sentinel published now must be the only message the subscription sees.
  const sentinelId = await topic.publishMessage({ data: Buffer.from('sentinel') });
  const deadline = Date.now() + SENTINEL_WAIT_MS;
  while (!received.some((m) => m.id === sentinelId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(received.map((m) => m.data.toString()), ['sentinel'], 'the orders topic carried no message but the sentinel');

  // JSON.parse keeps "__proto__" an own property, and nothing copied it onto a prototype.
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is not polluted');
  assert.equal(({} as Record<string, unknown>).isAdmin, undefined, 'Object.prototype is not polluted');
  assert.equal(Object.getOwnPropertyNames(Object.prototype).includes('polluted'), false);

  // The server spans recorded the refusals: a 4xx is not an error of the server span.
  const servers = exporter.getFinishedSpans().filter((s) => s.attributes['faas.trigger'] === 'http');
  assert.ok(servers.length > 0, 'createOrder spans were exported');
  assert.ok(servers.every((s) => s.status.code !== 2), 'no server span has an error status');
});

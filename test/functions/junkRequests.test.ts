/* eslint-disable @typescript-eslint/no-require-imports -- the functions load after the environment is set */
/**
 * Requests no client should send, through the real functions-framework servers of
 * createOrder (HTTP) and processOrder (CloudEvent): CloudEvent headers on the HTTP
 * function buy no way around its body limit and JSON errors, processOrder answers junk
 * with a JSON 4xx, and no body (order contents) reaches the output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_BODY_BYTES = 64 * 1024;
const SECRET = 'SKU-SECRET-4711';
const servers: http.Server[] = [];
const urls: Record<'createOrder' | 'processOrder', string> = { createOrder: '', processOrder: '' };
const output: string[] = [];
const restore: (() => void)[] = [];

before(async () => {
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: 'demo-junk',
    OTEL_TRACES_EXPORTER: 'none',
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    // Never reached: every request here is refused before the store or the publisher.
    FIRESTORE_EMULATOR_HOST: '127.0.0.1:9',
    PUBSUB_EMULATOR_HOST: '127.0.0.1:9',
    METADATA_SERVER_DETECTION: 'none',
  });
  require('../../functions/index');
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  for (const target of ['createOrder', 'processOrder'] as const) {
    const server = getTestServer(target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls[target] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }
  // Everything the process writes from here on: the body must appear nowhere.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
});

after(async () => {
  for (const undo of restore) undo();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: { error?: unknown };
  readonly text: string;
}

function send(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: { error?: unknown } = {};
        try {
          parsed = JSON.parse(text) as { error?: unknown };
        } catch {
          // judged below: not JSON
        }
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const CE_HEADERS = { 'ce-id': 'x-1', 'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished', 'ce-source': '//pubsub.googleapis.com/projects/p/topics/orders', 'ce-specversion': '1.0' };
const big = `{"customerId":"${SECRET}","pad":"${'x'.repeat(MAX_BODY_BYTES * 4)}"}`;
const malformed = `{"customerId":"c-1","items":[{"sku":"${SECRET}",}]}`;

const cases: { name: string; target: 'createOrder' | 'processOrder'; method: string; headers: Record<string, string>; body?: string; status: number; says: RegExp }[] = [
  { name: 'ce-id headers, body over the limit', target: 'createOrder', method: 'POST', headers: { ...CE_HEADERS, 'content-type': 'application/json' }, body: big, status: 413, says: /exceeds the limit of 65536 bytes/ },
  { name: 'cloudevents+json, body over the limit', target: 'createOrder', method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: big, status: 413, says: /exceeds the limit/ },
  { name: 'ce-id headers, malformed JSON', target: 'createOrder', method: 'POST', headers: { ...CE_HEADERS, 'content-type': 'application/json' }, body: malformed, status: 400, says: /invalid order/ },
  { name: 'cloudevents+json, malformed JSON', target: 'createOrder', method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: malformed, status: 415, says: /Content-Type must be application\/json/ },
  { name: 'GET', target: 'processOrder', method: 'GET', headers: {}, status: 405, says: /method GET not allowed/ },
  { name: 'text/plain', target: 'processOrder', method: 'POST', headers: { 'content-type': 'text/plain' }, body: SECRET, status: 415, says: /Content-Type must be application\/json/ },
  { name: 'malformed JSON', target: 'processOrder', method: 'POST', headers: { 'content-type': 'application/json' }, body: malformed, status: 400, says: /push body cannot be read/ },
  { name: 'malformed JSON with ce-* headers', target: 'processOrder', method: 'POST', headers: { ...CE_HEADERS, 'content-type': 'application/json' }, body: malformed, status: 400, says: /push body cannot be read/ },
];

for (const c of cases) {
  test(`${c.target}, ${c.name}: ${c.status} with a JSON error, and the body is not logged`, async () => {
    const answer = await send(urls[c.target], c.method, c.headers, c.body);
    assert.equal(answer.status, c.status, answer.text.slice(0, 300));
    assert.match(answer.contentType, /^application\/json/, answer.text.slice(0, 300));
    assert.match(String(answer.body.error), c.says);
    assert.doesNotMatch(answer.text, new RegExp(SECRET));
    assert.doesNotMatch(output.join(''), new RegExp(SECRET), 'the body reached the output');
  });
}

test('processOrder, a real push still gets through (an unknown order is acknowledged)', async () => {
  const data = Buffer.from(JSON.stringify({ orderId: '__x__' })).toString('base64');
  const answer = await send(urls.processOrder, 'POST', { ...CE_HEADERS, 'content-type': 'application/json' }, JSON.stringify({ message: { data, messageId: 'm'.repeat(5000) }, subscription: 's' }));
  assert.ok(answer.status >= 200 && answer.status < 300, `${answer.status} ${answer.text.slice(0, 300)}`);
  // An attacker-sized message id is bounded wherever it is logged.
  const logged = output.join('').split('\n').filter((line) => line.includes('mmmmmmmm'));
  assert.ok(logged.length > 0, 'the rejection was logged');
  for (const line of logged) assert.ok(!line.includes('m'.repeat(200)), `unbounded id in: ${line.slice(0, 200)}`);
});

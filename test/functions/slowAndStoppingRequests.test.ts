/**
 * What reaches a function's socket before or after its handler can answer, through real
 * functions-framework processes and raw sockets: a declared Content-Length over the limit
 * is refused at once (no waiting for a body that may never come), headers and bodies that
 * never finish end in a JSON 408 within the configured limits, and a request in flight when
 * the process is stopped, or when its log pipe breaks, is still answered with JSON.
 * Firestore and Pub/Sub point at a closed port or a server that never answers: every
 * request here is refused or stopped before an order could be stored.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { findFreePort } from '../../scripts/stack/assertPortsFree';
import { waitForHttp } from '../../scripts/stack/waitForHttp';
import { listenHanging } from './fakeCollectors';
import type { FakeCollector } from './fakeCollectors';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FUNCTIONS_FRAMEWORK = path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
// Loose on purpose: a correctness bound on a shared 2-core machine (Node checks the limits once a second).
const SLACK_MS = 4000;
const ORDER = JSON.stringify({ customerId: 'c-slow', items: [{ sku: 'sku-1', quantity: 1, unitPrice: 2.5 }], currency: 'EUR' });

interface Running {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly output: string[];
}

const running: Running[] = [];
let hanging: FakeCollector | undefined;
let hangingHost = '';
let closedHost = '';

before(async () => {
  const hangingPort = await findFreePort('127.0.0.1');
  hanging = await listenHanging(hangingPort);
  hangingHost = `127.0.0.1:${hangingPort}`;
  closedHost = `127.0.0.1:${await findFreePort('127.0.0.1')}`;
});

after(async () => {
  for (const { proc } of running) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  await hanging?.close();
});

async function startFunction(target: 'createOrder' | 'processOrder', env: Record<string, string> = {}): Promise<Running> {
  const port = await findFreePort('127.0.0.1');
  const proc = spawn(
    process.execPath,
    [FUNCTIONS_FRAMEWORK, `--target=${target}`, `--port=${port}`, `--source=${REPO_ROOT}`, ...(target === 'processOrder' ? ['--signature-type=cloudevent'] : [])],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        GOOGLE_CLOUD_PROJECT: 'demo-slow-requests',
        FIRESTORE_EMULATOR_HOST: closedHost,
        PUBSUB_EMULATOR_HOST: closedHost,
        METADATA_SERVER_DETECTION: 'none',
        OTEL_TRACES_EXPORTER: 'none',
        ...env,
      },
    },
  );
  const started: Running = { proc, port, output: [] };
  proc.stdout?.on('data', (chunk: Buffer) => started.output.push(chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => started.output.push(chunk.toString()));
  running.push(started);
  await waitForHttp(`http://127.0.0.1:${port}/robots.txt`, { part: target, timeoutMs: 30_000, giveUp: () => (proc.exitCode === null ? undefined : 'exited') });
  return started;
}

interface RawAnswer {
  readonly status: number;
  readonly headers: string;
  readonly body: { error?: string };
  readonly closedByServer: boolean;
  readonly elapsedMs: number;
}

/** Writes `bytes` and waits (at most waitMs) for the server to answer and close the connection. */
function exchange(port: number, bytes: string, waitMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      let parsed: { error?: string } = {};
      try {
        parsed = JSON.parse(body) as { error?: string };
      } catch {
        // judged by the caller: not JSON
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: parsed, closedByServer, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (error) => (settled ? undefined : reject(error)));
    socket.write(bytes);
  });
}

const declared = (contentLength: number, extra = ''): string =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n${extra}\r\n{"a":1,"b"`;

for (const [target, length, says] of [
  ['createOrder', 10 * 1024 * 1024, /body of 10485760 bytes exceeds the limit of 65536 bytes/],
  ['processOrder', 40 * 1024 * 1024, /push body of 41943040 bytes exceeds the limit/],
] as const) {
  test(`${target}: a declared Content-Length over the limit is refused at once with a JSON 413, and the connection closed`, async () => {
    const fn = await startFunction(target);
    // Only 10 of the declared bytes ever come; the answer must not wait for the rest.
    const answer = await exchange(fn.port, declared(length), SLACK_MS);
    assert.equal(answer.status, 413, answer.headers);
    assert.match(answer.headers, /content-type: application\/json/i);
    assert.match(String(answer.body.error), says);
    assert.match(answer.headers, /connection: close/i);
    assert.equal(answer.closedByServer, true, 'the server closed the connection instead of waiting for the body');
  });
}

for (const target of ['createOrder', 'processOrder'] as const) {
  test(`${target}: a body or headers that never finish end in a JSON 408 within the limits`, async () => {
    // Short limits here only: on a busy machine a function's first request can block its
    // event loop (loading the client libraries) longer than these, which Node counts too.
    const fn = await startFunction(target, { REQUEST_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    const [body, headers] = await Promise.all([
      exchange(fn.port, declared(100), REQUEST_TIMEOUT_MS + SLACK_MS),
      exchange(fn.port, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: applica', HEADERS_TIMEOUT_MS + SLACK_MS),
    ]);
    for (const [what, answer] of [['body', body], ['headers', headers]] as const) {
      assert.equal(answer.status, 408, `${what}: ${answer.headers}`);
      assert.match(answer.headers, /content-type: application\/json/i, what);
      assert.match(String(answer.body.error), /did not arrive in time/, what);
      assert.equal(answer.closedByServer, true, what);
    }
    assert.ok(headers.elapsedMs >= HEADERS_TIMEOUT_MS - 100, `headers refused after ${headers.elapsedMs} ms, not before their limit`);
    assert.ok(body.elapsedMs >= REQUEST_TIMEOUT_MS - 100, `body refused after ${body.elapsedMs} ms, not before its limit`);
  });
}

test('createOrder: malformed HTTP gets a JSON 400', async () => {
  const fn = await startFunction('createOrder');
  const answer = await exchange(fn.port, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n', SLACK_MS);
  assert.equal(answer.status, 400, answer.headers);
  assert.match(String(answer.body.error), /malformed HTTP request/);
});

const postOrder = (port: number): Promise<RawAnswer> =>
  exchange(port, `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(ORDER)}\r\nConnection: close\r\n\r\n${ORDER}`, 20_000);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`createOrder: a request in flight when the process gets ${signal} is answered 503 JSON, not functions-framework's text 500`, async () => {
    // Firestore accepts and never answers: the order's create stays in flight until the stop.
    const fn = await startFunction('createOrder', { FIRESTORE_EMULATOR_HOST: hangingHost, DEPENDENCY_TIMEOUT_MS: '30000' });
    const inFlight = postOrder(fn.port);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    fn.proc.kill(signal);
    const answer = await inFlight;
    assert.equal(answer.status, 503, `${answer.headers}\n${fn.output.join('').slice(-500)}`);
    assert.match(answer.headers, /content-type: application\/json/i);
    assert.match(String(answer.body.error), new RegExp(`received ${signal} and is stopping; retry`));
    await new Promise((resolve) => fn.proc.once('exit', resolve));
  });
}

test('createOrder: a broken log pipe (the stack that read it is gone) neither crashes the process nor turns answers into 500 "write EPIPE"', async () => {
  const fn = await startFunction('createOrder', { DEPENDENCY_TIMEOUT_MS: '300' });
  // The reader of the function's output goes away; every line it logs from now on fails with EPIPE.
  fn.proc.stdout?.destroy();
  fn.proc.stderr?.destroy();
  // Firestore is a closed port: each order fails after logging an ERROR line.
  const answers = await Promise.all([postOrder(fn.port), postOrder(fn.port), postOrder(fn.port)]);
  const later = await postOrder(fn.port);
  for (const answer of [...answers, later]) {
    assert.equal(answer.status, 503, answer.headers);
    assert.match(String(answer.body.error), /firestore/);
  }
  assert.equal(fn.proc.exitCode, null, 'the function is still running');
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { runLoadTest } from '../../../scripts/load/runLoadTest';
import { FREE_PORT_ARGS, parseStackOptions } from '../../../scripts/stack/parseStackOptions';
import { startStack } from '../../../scripts/stack/startStack';
import type { Stack } from '../../../scripts/stack/startStack';
import type { FakeCloudTrace } from '../../support/startFakeCloudTrace';
import { fakeCredentialsFile, startFakeCloudTrace } from '../../support/startFakeCloudTrace';

// The deployed mode end to end, on loopback: the real functions export to a stand-in for
// the Telemetry API, the load test reads each trace back through a stand-in for the Cloud
// Trace v1 API with google-auth-library's Application Default Credentials (an
// external_account file whose token_url is the stand-in's STS endpoint), and each order's
// status from the Firestore emulator.
const PROJECT = 'demo-cloud-trace';
const LOAD_CLI = path.resolve(__dirname, '..', '..', '..', 'scripts', 'load.js');

let stack: Stack | undefined;
let fake: FakeCloudTrace | undefined;
let dir: string;
let credentials: string;
const logs: string[] = [];

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cloud-trace-load-'));
  const env = { ...process.env, PUBSUB_EMULATOR_HOST: '', FIRESTORE_EMULATOR_HOST: '', GOOGLE_CLOUD_PROJECT: PROJECT };
  stack = await startStack(parseStackOptions([...FREE_PORT_ARGS, '--emulators=bundled'], env), {
    log: (line) => logs.push(line),
    env,
    // Spans readable 300 ms after they arrive: the first look-ups find partial traces, as in Cloud Trace.
    startCollector: async (options) => (fake = await startFakeCloudTrace({ ...options, projectId: PROJECT, ingestDelayMs: 300 })),
  });
  const subjectToken = path.join(dir, 'subject-token');
  writeFileSync(subjectToken, fake!.subjectToken);
  credentials = path.join(dir, 'credentials.json');
  writeFileSync(credentials, JSON.stringify(fakeCredentialsFile(fake!, subjectToken)));
});

after(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('deployed mode: each order trace read back from the Cloud Trace API is complete, every order processed in Firestore', { timeout: 60_000 }, async () => {
  process.env.GOOGLE_APPLICATION_CREDENTIALS = credentials;
  const before = { ...fake!.counts };
  const { summary } = await runLoadTest({
    target: stack!.urls.createOrder,
    orders: 8,
    concurrency: 4,
    rate: undefined,
    maxDurationMs: 30_000,
    requestTimeoutMs: 10_000,
    otlp: stack!.urls.otlpGrpc,
    traces: 'http://127.0.0.1:9/unused',
    cloudTraceApi: fake!.apiUrl,
    firestore: stack!.urls.firestore,
    projectId: PROJECT,
    waitMs: 20_000,
    maxErrorRate: 0,
    idToken: undefined,
  });
  const context = `${JSON.stringify(summary.verification.broken, null, 2)}\n${logs.slice(-20).join('\n')}`;
  assert.equal(summary.accepted, 8, context);
  assert.equal(summary.verification.complete, 8, context);
  assert.equal(summary.verification.processed, 8, context);
  assert.equal(summary.verification.processedFrom, 'firestore');
  assert.equal(summary.cloudTraceProject, PROJECT);
  assert.equal(summary.endToEndMs.count, 8, 'the end-to-end time starts at the client span read back from Cloud Trace');
  assert.ok(summary.spanTimes.some((s) => s.service === 'createOrder'), 'service names come from the service.name label');
  assert.equal(summary.ok, true);
  assert.ok(fake!.counts.tokens > before.tokens, 'a token came from the credentials file through the STS exchange');
  assert.ok(fake!.counts.traceReads >= 8);
  assert.equal(fake!.counts.unauthorized, before.unauthorized, 'every trace read carried the token');
});

const cliArgs = (report: string, wait: string): string[] => [
  '--target', stack!.urls.createOrder,
  '--cloud-trace-api', fake!.apiUrl,
  '--project', PROJECT,
  '--firestore', stack!.urls.firestore,
  '--orders', '3',
  '--wait', wait,
  '--html', path.join(dir, report),
];

test('npm run load with Cloud Trace and no --otlp: no client spans, each trace topped by createOrder, exit 0', { timeout: 60_000 }, async () => {
  const { code, stdout, stderr } = await runLoadCli(cliArgs('complete.html', '20'), { GOOGLE_APPLICATION_CREDENTIALS: credentials });
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  assert.match(stdout, /no client spans; traces from Cloud Trace/);
  assert.match(stdout, /traces complete\s+3\/3/, stdout);
  assert.match(readFileSync(path.join(dir, 'complete.html'), 'utf8'), /console\.cloud\.google\.com\/traces\/list\?project=demo-cloud-trace&amp;tid=/, 'the report links each trace to the console');
});

test('npm run load with Cloud Trace: a span missing from the API answer leaves the order incomplete and the exit code 1', { timeout: 60_000 }, async () => {
  // processOrder's CONSUMER span (messaging.operation.type=process) never shows up.
  fake!.omit = (span) => span.labels?.['messaging.operation.type'] === 'process';
  try {
    const { code, stdout, stderr } = await runLoadCli(cliArgs('incomplete.html', '2'), { GOOGLE_APPLICATION_CREDENTIALS: credentials });
    assert.equal(code, 1, `${stdout}\n${stderr}`);
    assert.match(stdout, /traces complete\s+0\/3/, stdout);
    assert.match(stdout, /processOrder CONSUMER span/, stdout);
  } finally {
    fake!.omit = () => false;
  }
});

test('npm run load with Cloud Trace and no usable credentials: exit 2 before any order is sent', { timeout: 30_000 }, async () => {
  const reads = fake!.counts.traceReads;
  const { code, stderr } = await runLoadCli(
    cliArgs('none.html', '2'),
    { GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, 'no-such-credentials.json') },
  );
  assert.equal(code, 2, stderr);
  assert.match(stderr, /Application Default Credentials/);
  assert.equal(fake!.counts.traceReads, reads);
});

async function runLoadCli(args: string[], extraEnv: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, METADATA_SERVER_DETECTION: 'none' };
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.FIRESTORE_EMULATOR_HOST;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [LOAD_CLI, ...args], { env, timeout: 45_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

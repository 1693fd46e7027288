/**
 * The tracing package as a stranger gets it: `npm pack` of shared/tracing, a fresh project in
 * a temporary folder with only that tarball, functions-framework and @google-cloud/pubsub
 * installed (one `npm install` for every case, from npm's cache where it can), each case's
 * functions run under that project's own functions-framework (real processes, Node 22),
 * exporting to the local OTLP collector and publishing to the bundled Pub/Sub emulator.
 *
 * Each case proves, for one way of adopting the package:
 * - the server span continues the caller's `traceparent` and is in the collector when the
 *   response arrives;
 * - the publish's gRPC span is there too, from `@opentelemetry/instrumentation-grpc`;
 * - the consumer span of the pushed message is a child of the publisher's span.
 *
 * Adding a case: a folder test/package/fixtures/<name>/ with a package.json (its `main`, and
 * `"type": "module"` for an ES module) and the functions `publish` (HTTP: publishes one
 * message to process.env.GREETINGS_TOPIC with @google-cloud/pubsub, answers 202) and
 * `receive` (CloudEvent); then one entry in CASES below: `{ name, what, env }`, where `env` is
 * added to both functions' environment (e.g. `NODE_OPTIONS` naming
 * `cloud-functions-otel-tracing/register`: the processes run in the project, so the package
 * resolves from its node_modules). A TypeScript project (fixtures/typescript: .cts and .mts
 * files) is type-checked against the packed declarations. `startStrangerFunction` and `installStrangerProject`
 * (./support/strangerProject) are the building blocks for other checks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCollector } from '../../scripts/collector/startCollector';
import type { Collector } from '../../scripts/collector/startCollector';
import { startPubSubEmulator } from '../../scripts/pubsubEmulator/startPubSubEmulator';
import type { PubSubEmulator } from '../../scripts/pubsubEmulator/startPubSubEmulator';
import { runCommand } from '../../scripts/rehearse/runCommand';
import { describeSpans, storedSpans, waitForSpan } from '../support/collectorSpans';
import { packLibrary } from '../../scripts/package/packLibrary';
import { createPushTopic, installStrangerProject, startStrangerFunction } from './support/strangerProject';
import type { StrangerFunction } from './support/strangerProject';

interface StrangerCase {
  /** Its fixture folder, and the prefix of its services and topic. */
  readonly name: string;
  readonly what: string;
  readonly env?: NodeJS.ProcessEnv;
}

const CASES: readonly StrangerCase[] = [
  { name: 'cjs', what: 'CommonJS, one changed import' },
  { name: 'esm', what: 'ES module ("type": "module"), one changed import with named imports' },
  { name: 'zerocode', what: 'CommonJS, unmodified (imports functions-framework, injects nothing), NODE_OPTIONS=--require cloud-functions-otel-tracing/register', env: { NODE_OPTIONS: '--require cloud-functions-otel-tracing/register' } },
];

const PROJECT = 'demo-stranger';
const CALLER_SPAN_ID = 'cccccccccccccccc';
const GRPC_SCOPE = '@opentelemetry/instrumentation-grpc';
// A TypeScript project's files (.cts and .mts), type-checked against the packed declarations.
const TYPESCRIPT_FOLDER = 'typescript';

let dir: string;
let collector: Collector;
let emulator: PubSubEmulator;
const running = new Map<string, { publisher: StrangerFunction; receiver: StrangerFunction }>();
const installLog: string[] = [];

void describe('a stranger installs the packed tracing package', () => {
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'stranger-'));
    const [packed] = await Promise.all([
      packLibrary(dir),
      startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined }).then((c) => (collector = c)),
      startPubSubEmulator({ port: 0 }).then((e) => (emulator = e)),
    ]);
    await installStrangerProject(dir, packed.tarball!, [...CASES.map((c) => c.name), TYPESCRIPT_FOLDER], (line) => installLog.push(line));
    await Promise.all(
      CASES.map(async (c) => {
        const common = { dir, folder: c.name, collector, emulator, project: PROJECT, topic: `${c.name}-greetings`, env: c.env ?? {} };
        const [publisher, receiver] = await Promise.all([
          startStrangerFunction({ ...common, target: 'publish', service: `${c.name}-publisher` }),
          startStrangerFunction({ ...common, target: 'receive', service: `${c.name}-receiver` }),
        ]);
        running.set(c.name, { publisher, receiver });
        await createPushTopic(emulator, PROJECT, common.topic, receiver.url);
      }),
    );
  });

  after(async () => {
    await Promise.all([...running.values()].flatMap((fns) => [fns.publisher.child.stop(5_000), fns.receiver.child.stop(5_000)]));
    await emulator?.close();
    await collector?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    void it(`${c.what}: server span continuing the caller, the publish's gRPC span from ${GRPC_SCOPE}, the consumer a child of the publisher`, async (t) => {
      const fns = running.get(c.name)!;
      const traceId = randomBytes(16).toString('hex');
      const res = await fetch(fns.publisher.url, { method: 'POST', headers: { traceparent: `00-${traceId}-${CALLER_SPAN_ID}-01` } });
      const spans = await storedSpans(collector.queryPort, traceId);
      assert.equal(res.status, 202, await res.text());
      const publisherSpans = spans.filter((s) => s.service === `${c.name}-publisher`);
      const server = publisherSpans.find((s) => s.kind === 'server');
      assert.ok(server, `the server span is in the collector when the response arrives:\n${describeSpans(spans)}\n${fns.publisher.lines.join('\n')}`);
      assert.equal(server.parentId, CALLER_SPAN_ID, `the server span continues the caller's traceparent:\n${describeSpans(spans)}`);
      const publish = publisherSpans.find((s) => s.kind === 'client' && /google\.pubsub\.v1\.Publisher\/Publish/.test(s.operationName));
      assert.ok(publish, `the publish's gRPC span is in the collector too:\n${describeSpans(spans)}`);
      assert.equal(publish.scope, GRPC_SCOPE, `the gRPC span comes from ${GRPC_SCOPE}:\n${describeSpans(spans)}`);

      const { span: consumer, spans: all } = await waitForSpan(collector.queryPort, traceId, (found) => found.find((s) => s.service === `${c.name}-receiver` && s.kind === 'consumer'));
      assert.ok(consumer, `the consumer span is in the publisher's trace:\n${describeSpans(all)}\n${fns.receiver.lines.join('\n')}`);
      assert.ok(
        all.some((s) => s.service === `${c.name}-publisher` && s.spanID === consumer.parentId),
        `the consumer span is a child of a span of the publisher:\n${describeSpans(all)}`,
      );
      // The trace, as the test output's record of what a stranger's project produced.
      t.diagnostic(`trace ${traceId}:`);
      for (const line of describeSpans(all).split('\n')) t.diagnostic(`  ${line}`);
    });
  }

  void it('TypeScript: CommonJS (.cts) and ES module (.mts) functions type-check against the packed declarations (node16 resolution, through the exports map)', async () => {
    // @types/node is the user's to bring; this repository's copy stands in for it.
    const typeRoots = path.resolve(__dirname, '..', '..', '..', 'node_modules', '@types');
    const tsc = require.resolve('typescript/bin/tsc');
    const output: string[] = [];
    await runCommand({ command: process.execPath, args: [tsc, '-p', path.join(dir, TYPESCRIPT_FOLDER), '--typeRoots', typeRoots], cwd: dir, env: { PATH: process.env.PATH }, timeoutMs: 60_000, log: (line) => output.push(line) });
  });
});

/**
 * A traced function started the way the platform starts it (functions-framework, the
 * library's default settings, an incoming X-Cloud-Trace-Context) prints no
 * DeprecationWarning: the legacy header is read by the library's own parser, not by
 * Google's deprecated propagator package, which printed one at every cold start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { findFreePort } from '../../../scripts/stack/assertPortsFree';
import { waitForHttp } from '../../../scripts/stack/waitForHttp';

const FRAMEWORK = path.join(path.dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
const SOURCE = path.join(__dirname, 'fixtures', 'thirdPartyFunctions.js');

test('starting a traced function and serving a request prints no DeprecationWarning', async () => {
  const port = await findFreePort('127.0.0.1');
  const env: NodeJS.ProcessEnv = { ...process.env, METADATA_SERVER_DETECTION: 'none', OTEL_TRACES_EXPORTER: 'console' };
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_') && name !== 'OTEL_TRACES_EXPORTER') delete env[name];
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [FRAMEWORK, '--target=helloSend', `--port=${port}`, `--source=${SOURCE}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  try {
    await waitForHttp(`http://127.0.0.1:${port}/robots.txt`, { part: 'helloSend', timeoutMs: 30_000, giveUp: () => (child.exitCode !== null ? `exited: ${stderr}` : undefined) });
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-cloud-trace-context': `${'4'.repeat(32)}/12345;o=1` } });
    assert.equal(response.status, 200);
    assert.match(stdout, /"traceId": "4{32}"/, 'the request was traced, continuing the legacy header');
  } finally {
    child.kill('SIGKILL');
  }
  assert.doesNotMatch(stderr, /DeprecationWarning/, stderr);
});

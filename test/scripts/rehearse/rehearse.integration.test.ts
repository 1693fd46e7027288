import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../../support/isAlive';

// The real `npm run deploy:rehearse` path (the compiled front end, as the npm script
// runs it): npm ci from the registry/cache, gcp-build, prune, both functions started from
// the temporary install, one traced order. Minutes, not seconds: npm ci dominates.

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const REHEARSE = path.join(REPO_ROOT, 'dist', 'scripts', 'rehearse.js');
const DEADLINE_MS = 10 * 60_000;

const pids: number[] = [];
const folders: string[] = [];

after(async () => {
  // Whatever happened, nothing of ours stays behind: each runner (by its pid; on SIGTERM
  // it stops its own functions) and the folders they worked in.
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** Runs the compiled front end to its end (bounded); its exit code and all its output. */
async function rehearse(args: readonly string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [REHEARSE, ...args], { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) pids.push(child.pid);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  let timer: NodeJS.Timeout | undefined;
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (exitCode) => resolve(exitCode));
    timer = setTimeout(() => {
      // SIGTERM first: the runner then stops its stack and removes its folder.
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    }, DEADLINE_MS);
  });
  clearTimeout(timer);
  return { code, out };
}

async function tempFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

void describe('npm run deploy:rehearse', () => {
  void it('installs the upload as the buildpack would, serves a traced order from it, and cleans up', { timeout: DEADLINE_MS + 60_000 }, async () => {
    const workDir = await tempFolder('rehearse-test-');
    const { code, out } = await rehearse(['--work-dir', workDir, '--cold-starts', '1']);

    assert.equal(code, 0, out);
    assert.match(out, /Rehearsal passed\./);
    const upload = /upload: +(\d+) files, (\d+) bytes/.exec(out);
    assert.ok(upload && Number(upload[1]) > 0 && Number(upload[2]) > 0, out);
    const modules = /production node_modules: +(\d+) packages, (\d+) bytes/.exec(out);
    assert.ok(modules && Number(modules[1]) > 0, out);
    assert.match(out, /OTEL_TRACES_EXPORTER: gcp_otlp → otlp/);
    assert.match(out, /order [0-9a-f-]{36}, trace [0-9a-f]{32}/);
    assert.match(out, /sweep-orders: one pass, 200, nothing left over/);
    assert.match(out, /cold start createOrder: +median \d+ ms/);
    assert.match(out, /cold start processOrder: +median \d+ ms/);

    const functionPids = /function pids \(stopped\): ([\d, ]+)/.exec(out)?.[1]?.split(', ').map(Number) ?? [];
    assert.equal(functionPids.length, 2, out);
    for (const functionPid of functionPids) assert.equal(isAlive(functionPid), false, `function pid ${functionPid} is still running`);
    assert.deepEqual(await readdir(workDir), [], 'the temporary install folder is removed');
  });

  void it('exits 1 naming the failed step, and still removes its folder', { timeout: DEADLINE_MS + 60_000 }, async () => {
    // A source npm ci refuses at once: no package-lock.json.
    const source = await tempFolder('rehearse-source-');
    await writeFile(path.join(source, 'package.json'), JSON.stringify({ name: 'no-lock', version: '1.0.0', scripts: { 'gcp-build': 'true' } }));
    const workDir = await tempFolder('rehearse-test-');
    const { code, out } = await rehearse(['--source', source, '--work-dir', workDir]);
    assert.equal(code, 1, out);
    assert.match(out, /Rehearsal FAILED: `npm ci --prefer-offline --no-audit --no-fund` exited with code \d+/);
    assert.doesNotMatch(out, /\[3\/5\]/, 'nothing is started after a failed install');
    assert.deepEqual(await readdir(workDir), []);
  });
});

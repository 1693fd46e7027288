import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../../support/isAlive';

// The real `npm run deploy:rehearse` path (the compiled front end, as the npm script
// runs it): npm ci from the registry/cache, gcp-build, prune, both functions started from
// the temporary install, one traced order. Minutes, not seconds: npm ci dominates.

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const REHEARSE = path.join(REPO_ROOT, 'dist', 'scripts', 'rehearse.js');
const DEADLINE_MS = 10 * 60_000;

void describe('npm run deploy:rehearse', () => {
  let workDir = '';
  let pid: number | undefined;

  after(async () => {
    // Whatever happened, nothing of ours stays behind: the runner (by its pid; it stops
    // its own functions on SIGTERM) and the folder it worked in.
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  void it('installs the upload as the buildpack would, serves a traced order from it, and cleans up', { timeout: DEADLINE_MS + 60_000 }, async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'rehearse-test-'));
    const child = spawn(process.execPath, [REHEARSE, '--work-dir', workDir, '--cold-starts', '1'], { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    pid = child.pid;
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

    assert.equal(code, 0, out);
    assert.match(out, /Rehearsal passed\./);
    const upload = /upload: +(\d+) files, (\d+) bytes/.exec(out);
    assert.ok(upload && Number(upload[1]) > 0 && Number(upload[2]) > 0, out);
    const modules = /production node_modules: +(\d+) packages, (\d+) bytes/.exec(out);
    assert.ok(modules && Number(modules[1]) > 0, out);
    assert.match(out, /OTEL_TRACES_EXPORTER: gcp → otlp/);
    assert.match(out, /order [0-9a-f-]{36}, trace [0-9a-f]{32}/);
    assert.match(out, /cold start createOrder: +median \d+ ms/);
    assert.match(out, /cold start processOrder: +median \d+ ms/);

    const pids = /function pids \(stopped\): ([\d, ]+)/.exec(out)?.[1]?.split(', ').map(Number) ?? [];
    assert.equal(pids.length, 2, out);
    for (const functionPid of pids) assert.equal(isAlive(functionPid), false, `function pid ${functionPid} is still running`);
    assert.deepEqual(await readdir(workDir), [], 'the temporary install folder is removed');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { findFreePort } from '../../../scripts/stack/assertPortsFree';
import { describeExit, startChild } from '../../../scripts/stack/startChild';
import type { RunningChild } from '../../../scripts/stack/startChild';
import { waitForHttp } from '../../../scripts/stack/waitForHttp';
import { isAlive } from '../../support/isAlive';

const FAKE = path.join(__dirname, 'fixtures', 'fakeFunction.js');


async function startFake(mode: string, lines: string[]): Promise<{ child: RunningChild; url: string }> {
  const port = await findFreePort('127.0.0.1');
  const child = startChild({
    name: 'fake',
    command: process.execPath,
    args: [FAKE, '--target=fake', `--port=${port}`],
    env: { ...process.env, FAKE_MODE: mode, OTEL_SERVICE_NAME: 'svc' },
    log: (line) => lines.push(line),
  });
  return { child, url: `http://127.0.0.1:${port}/` };
}

void describe('startChild', () => {
  void it('prefixes stdout and stderr lines with the name', async () => {
    const lines: string[] = [];
    const { child, url } = await startFake('serve', lines);
    await waitForHttp(url, { part: 'fake', timeoutMs: 10_000 });
    await child.stop(5_000);
    assert.ok(lines.includes('[fake] target=fake service=svc endpoint='), lines.join('\n'));
    assert.ok(lines.includes('[fake] stderr line from fake'), lines.join('\n'));
  });

  void it('stop() sends SIGTERM first and the child exits on its own', async () => {
    const lines: string[] = [];
    const { child, url } = await startFake('serve', lines);
    await waitForHttp(url, { part: 'fake', timeoutMs: 10_000 });
    const exit = await child.stop(5_000);
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(lines.includes('[fake] flushing on SIGTERM'));
    assert.equal(child.isRunning(), false);
    assert.equal(isAlive(child.pid ?? -1), false);
    assert.deepEqual(await child.stop(5_000), exit, 'stop is idempotent');
  });

  void it('stop() SIGKILLs a child that ignores SIGTERM after the timeout', async () => {
    const lines: string[] = [];
    const { child, url } = await startFake('ignore-sigterm', lines);
    await waitForHttp(url, { part: 'fake', timeoutMs: 10_000 });
    const exit = await child.stop(300);
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(lines.includes('[fake] ignoring SIGTERM'));
    assert.ok(lines.some((l) => l.includes('sending SIGKILL')));
    assert.equal(isAlive(child.pid ?? -1), false);
  });

  void it('reports a spawn failure as an exit, not an exception', async () => {
    const child = startChild({ name: 'nope', command: '/nonexistent/binary', args: [], env: {}, log: () => undefined });
    const exit = await child.exited;
    assert.match(describeExit(exit), /could not start: .*ENOENT/);
  });

  void it('kills its children when the runner process exits abruptly', async () => {
    const runner = path.join(__dirname, 'fixtures', 'exitingRunner.js');
    const stdout = await new Promise<string>((resolve) => {
      execFile(process.execPath, [runner], { timeout: 20_000 }, (_err, out) => resolve(out));
    });
    const pid = Number(stdout.trim().split('\n')[0]);
    assert.ok(pid > 0, `runner printed a pid: ${stdout}`);
    // The exit hook sends SIGKILL synchronously; allow the kernel a bounded moment to reap.
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(pid), false, `child ${pid} outlived its runner`);
  });

  void it('its watchdog stops a child, even one ignoring SIGTERM, when the runner is SIGKILLed', async () => {
    const runner = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'exitingRunner.js'), 'wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => runner.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
    assert.ok(pid > 0 && isAlive(pid), 'the child is running before the kill');
    runner.kill('SIGKILL');
    // SIGTERM at once (ignored by this child), SIGKILL after the 5 s grace.
    for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(pid), false, `child ${pid} outlived its SIGKILLed runner`);
  });

  void it('kills its children when a runner without signal handlers gets SIGINT', async () => {
    const runner = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'exitingRunner.js'), 'wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => runner.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
    assert.ok(pid > 0 && isAlive(pid), 'the child is running before the signal');
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
    runner.kill('SIGINT');
    assert.equal(await exited, 130, 'the runner exits as an interrupted process');
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(pid), false, `child ${pid} outlived its interrupted runner`);
  });
});

void describe('waitForHttp', () => {
  void it('gives up early with the reason when the process dies', async () => {
    const lines: string[] = [];
    const { child, url } = await startFake('crash', lines);
    await assert.rejects(
      waitForHttp(url, { part: 'createOrder', timeoutMs: 10_000, giveUp: () => (child.isRunning() ? undefined : 'exited') }),
      (err: Error) => err.name === 'NotReadyError' && /^createOrder exited before answering/.test(err.message),
    );
  });

  void it('times out naming the part and the url', async () => {
    const lines: string[] = [];
    const { child, url } = await startFake('never-listen', lines);
    try {
      await assert.rejects(
        waitForHttp(url, { part: 'processOrder', timeoutMs: 400, intervalMs: 50 }),
        (err: Error) => err.message.startsWith(`processOrder did not answer at ${url} within 400 ms`),
      );
    } finally {
      await child.stop(2_000);
    }
  });
});

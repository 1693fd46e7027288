import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { SoakSummary } from '../../../scripts/soak/summarizeSoak';
import { SOAK_FUNCTIONS } from '../../../scripts/soak/summarizeSoak';
import { isAlive } from '../../support/isAlive';

const SOAK_MAIN = path.resolve(__dirname, '..', '..', '..', 'scripts', 'soak.js');
let dir: string | undefined;

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// The real command through a real stack: 15 s at 5 orders/s. Too short for a memory
// verdict to mean anything (that is the benchmark's job), so this asserts the run's
// shape, 100 % complete traces, and that the exit code follows the verdicts.
test('a 15-second soak: every order complete, memory read from both functions, processes ended', { timeout: 120_000 }, async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'soak-test-'));
  const json = path.join(dir, 'soak.json');
  const child = spawn(process.execPath, [SOAK_MAIN, '--minutes', '0.25', '--warmup-s', '3', '--rate', '5', '--sample-ms', '500', '--verify-s', '60', '--json', json], {
    env: { ...process.env, PUBSUB_EMULATOR_HOST: '', FIRESTORE_EMULATOR_HOST: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

  const summary = JSON.parse(await readFile(json, 'utf8')) as SoakSummary;
  const context = `exit ${code}\n${output.slice(-4000)}`;
  assert.equal(summary.plan.minutes, 0.25);
  assert.equal(summary.plan.rate, 5);
  assert.equal(summary.plannedOrders, 75);
  // Open loop on a fixed schedule: every planned order is sent unless the in-flight cap held it past the end.
  assert.ok(summary.traces.sent >= 70 && summary.traces.sent <= 75, context);
  assert.equal(summary.load.accepted, summary.traces.sent, context);
  assert.equal(summary.traces.complete, summary.traces.sent, context);
  assert.equal(summary.traces.processed, summary.traces.sent, context);
  assert.equal(summary.traces.completePercent, 100);
  assert.equal(summary.traces.pass, true, context);

  for (const name of SOAK_FUNCTIONS) {
    const m = summary.memory[name];
    assert.ok(m.pid > 0, name);
    // 15 s at one reading per 500 ms, minus start-up jitter.
    assert.ok(m.samples.length >= 20, `${name}: ${m.samples.length} readings`);
    assert.ok(m.samples.every((s) => s.rssMB > 20 && s.rssMB < 4096), `${name}: RSS out of range`);
    // The preloaded heap reporter reached the function process.
    assert.ok(m.samples.some((s) => s.heapUsedMB !== undefined && s.heapUsedMB > 1), `${name}: no heap readings`);
    assert.ok(m.rss.samples >= 5 && Number.isFinite(m.rss.slopeMBPerMin) && m.rss.maxMB >= m.rss.minMB, name);
    assert.equal(typeof m.rss.reason, 'string');
    assert.equal(m.pass, m.rss.pass && (!m.heapJudged || m.heapAfterGc!.pass), name);
    // The soak ends what it started.
    assert.equal(isAlive(m.pid), false, `${name} (pid ${m.pid}) still running`);
  }
  const memoryPass = SOAK_FUNCTIONS.every((name) => summary.memory[name].pass);
  assert.equal(summary.pass, summary.traces.pass && memoryPass);
  assert.equal(code, summary.pass ? 0 : 1, context);
  assert.equal(summary.failures.length === 0, summary.pass);

  const text = await readFile(json.replace(/\.json$/, '.txt'), 'utf8');
  assert.match(text, /traces\s+\d+\/\d+ complete, \d+\/\d+ processed: 100\.00 % complete → PASS/);
  assert.match(text, /createOrder \(pid \d+\) → (PASS|FAIL)/);
  assert.match(text, /processOrder \(pid \d+\) → (PASS|FAIL)/);
  assert.match(output, /\[\s+10 s\] sent \d+\/75/, 'a progress line every 10 s');
});

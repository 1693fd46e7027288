/** `npm run front-end` as a process: exit codes, and its end when the process that started it dies. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FUNCTIONS_FRAMEWORK, THROTTLED_FUNCTIONS, send } from '../../../scripts/bench/throttledWorld';
import { processState } from '../../../scripts/frontEnd/processState';
import { isAlive } from '../../support/isAlive';
import { waitFor } from '../../support/waitFor';

const ENTRY = path.resolve(__dirname, '../../../scripts/frontEnd.js');

describe('front-end command', () => {
  it('exits 2 with one line naming the bad flag, and 0 for --help', () => {
    const bad = spawnSync(process.execPath, [ENTRY, '--billing', 'free', '--', 'true'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--billing must be one of request, instance, got "free"/);
    const help = spawnSync(process.execPath, [ENTRY, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: npm run front-end/);
  });

  it('when its parent dies it stops its (stopped) instance and exits', { skip: process.platform === 'linux' ? false : 'Linux only' }, async () => {
    // A parent that starts the front end, prints its pid, then waits to be killed.
    const parentCode = `const c = require('child_process').spawn(process.execPath, ${JSON.stringify([ENTRY, '--port=0', '--', process.execPath, FUNCTIONS_FRAMEWORK, '--target=work', `--source=${THROTTLED_FUNCTIONS}`])}, { stdio: ['ignore', 'inherit', 'inherit'], env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none' } }); console.log(JSON.stringify({ frontEndPid: c.pid })); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: parent.stdout }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // functions-framework's own start-up lines
      }
    });
    try {
      const frontEndPid = (await waitFor('the front end', () => lines.find((l) => 'frontEndPid' in l), 10_000)).frontEndPid as number;
      const url = (await waitFor('listening', () => lines.find((l) => l.message === 'front end: listening'), 10_000)).url as string;
      const answer = await send(url);
      assert.equal(answer.status, 200);
      const instancePid = (JSON.parse(answer.body) as { pid: number }).pid;
      await waitFor('the instance stopped', () => (processState(instancePid) === 'T' ? true : undefined), 2_000);
      parent.kill('SIGKILL');
      await waitFor('the front end to exit', () => (!isAlive(frontEndPid) ? true : undefined), 15_000);
      await waitFor('the instance to exit', () => (!isAlive(instancePid) ? true : undefined), 15_000);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('killed outright (SIGKILL), it leaves no instance behind, not even a stopped one', { skip: process.platform === 'linux' ? false : 'Linux only' }, async () => {
    const frontEnd = spawn(process.execPath, [ENTRY, '--port=0', '--', process.execPath, FUNCTIONS_FRAMEWORK, '--target=work', `--source=${THROTTLED_FUNCTIONS}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none' },
    });
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: frontEnd.stdout }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // functions-framework's own start-up lines
      }
    });
    let instancePid: number | undefined;
    try {
      const url = (await waitFor('listening', () => lines.find((l) => l.message === 'front end: listening'), 10_000)).url as string;
      const answer = await send(url);
      assert.equal(answer.status, 200);
      instancePid = (JSON.parse(answer.body) as { pid: number }).pid;
      await waitFor('the instance stopped', () => (processState(instancePid!) === 'T' ? true : undefined), 2_000);
      frontEnd.kill('SIGKILL');
      await waitFor('the instance to exit', () => (!isAlive(instancePid!) ? true : undefined), 15_000);
    } finally {
      frontEnd.kill('SIGKILL');
      if (instancePid !== undefined && isAlive(instancePid)) process.kill(-instancePid, 'SIGKILL');
    }
  });
});

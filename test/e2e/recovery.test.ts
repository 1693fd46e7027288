/**
 * Nothing accepted is lost: processOrder is frozen (SIGSTOP) mid-load, then killed
 * (SIGKILL), and a new instance comes up a little later, as the platform would start
 * one. Pushes fail meanwhile, messages exhaust their five attempts and reach the
 * dead-letter topic. With nobody acting, the scheduled sweeper drains the dead letters
 * and republishes what is stuck, and every accepted order ends processed exactly once.
 * Real processes on loopback: both emulators, the three functions, the schedule.
 * Short retry policy and sweep settings keep it to seconds; `npm run fault` runs the
 * same scenario with Eventarc's policy and the local stack's sweep settings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFaultScenario } from '../../scripts/fault/runFaultScenario';

test('processOrder frozen, then killed mid-load: every accepted order ends processed exactly once, nobody acting', { timeout: 180_000 }, async (t) => {
  const lines: string[] = [];
  const report = await runFaultScenario({
    fault: { kind: 'kill-process', atMs: 2000, frozenForMs: 3000, restartAfterMs: 4000 },
    ratePerSecond: 10,
    loadMs: 10_000,
    retryPolicy: { minimumBackoffMs: 200, maximumBackoffMs: 1000 },
    sweepIntervalMs: 1000,
    functionEnv: {
      DEPENDENCY_TIMEOUT_MS: '2000',
      SWEEP_UNPUBLISHED_AFTER_MS: '8000',
      SWEEP_STUCK_AFTER_MS: '5000',
    },
    settleTimeoutMs: 90_000,
    portBase: 0,
    log: (line) => lines.push(line),
  });
  t.diagnostic(JSON.stringify({ ...report, lost: report.lost.length }));
  assert.ok(report.accepted >= 50, `only ${report.accepted} orders accepted: ${lines.join('\n')}`);
  assert.deepEqual(report.lost, [], `accepted but never processed; log:\n${lines.join('\n')}`);
  assert.equal(report.acceptedProcessed, report.accepted);
  assert.deepEqual(report.processedTwice, [], 'an order took effect twice');
  assert.equal(report.keptProcessed, report.keptStored, 'a stored order behind a 503 was left unprocessed');
  // The outage outlasted the retries: the dead-letter path (not only redelivery) was exercised.
  assert.ok(report.sweeper.deadLettersRepublished + report.sweeper.stuckRepublished > 0, `the sweeper recovered nothing: ${JSON.stringify(report.sweeper)}`);
});

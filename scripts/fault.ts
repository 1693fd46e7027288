import { runCli } from './cli/runCli';
import { describeFault } from './fault/faultPlan';
import { FAULT_HELP, FaultOptionsError, parseFaultOptions } from './fault/parseFaultOptions';
import type { FaultOptions } from './fault/parseFaultOptions';
import { runFaultScenario } from './fault/runFaultScenario';

// Exit codes: 0 every accepted order processed exactly once, 1 not, 2 bad usage.
runCli({ parse: parseFaultOptions, usageError: FaultOptionsError, help: FAULT_HELP, run });

async function run(options: FaultOptions): Promise<number> {
  const log = (line: string) => console.log(line);
  log(`Fault run: ${describeFault(options.fault)}; ${options.ratePerSecond} orders/s for ${options.loadMs / 1000} s; sweeper every ${options.sweepIntervalMs} ms`);
  const report = await runFaultScenario({
    fault: options.fault,
    ratePerSecond: options.ratePerSecond,
    loadMs: options.loadMs,
    // Eventarc's policy: the emulator redelivers no sooner than production would.
    retryPolicy: { minimumBackoffMs: 10_000, maximumBackoffMs: 600_000 },
    sweepIntervalMs: options.sweepIntervalMs,
    functionEnv: { SWEEP_STUCK_AFTER_MS: String(options.stuckAfterMs) },
    settleTimeoutMs: options.settleTimeoutMs,
    portBase: options.portBase,
    log,
  });
  const settled = report.settledAfterMs === undefined ? 'not all within the wait' : `all ${(report.settledAfterMs / 1000).toFixed(1)} s after the load ended`;
  log(`accepted ${report.accepted}, processed ${report.acceptedProcessed} (${settled}); processed more than once: ${report.processedTwice.length}`);
  log(`503 with an order id: ${report.kept} (stored ${report.keptStored}, processed ${report.keptProcessed})`);
  log(
    `sweeper: ${report.sweeper.passes} passes; republished ${report.sweeper.deadLettersRepublished} dead letters, ` +
      `${report.sweeper.stuckRepublished} stuck, ${report.sweeper.unpublishedRepublished} unpublished`,
  );
  if (report.lost.length > 0) log(`NOT processed: ${report.lost.slice(0, 20).join(', ')}${report.lost.length > 20 ? ', …' : ''}`);
  return report.lost.length === 0 && report.processedTwice.length === 0 && report.keptProcessed === report.keptStored ? 0 : 1;
}

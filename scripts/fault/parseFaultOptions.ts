import { parseFlags } from '../cli/parseFlags';
import { wholeNumber } from '../cli/wholeNumber';
import type { FaultPlan } from './faultPlan';

export interface FaultOptions {
  readonly fault: FaultPlan;
  readonly ratePerSecond: number;
  readonly loadMs: number;
  readonly sweepIntervalMs: number;
  readonly stuckAfterMs: number;
  readonly settleTimeoutMs: number;
  readonly portBase: number;
  readonly help: boolean;
}

export class FaultOptionsError extends Error {
  override readonly name = 'FaultOptionsError';
}

const SCENARIOS = ['freeze-process', 'kill-process', 'freeze-emulators'] as const;

export const FAULT_HELP = `Usage: npm run fault -- --scenario NAME [options]

Runs the order pipeline as separate processes on loopback (bundled Pub/Sub and
Firestore emulators, createOrder, processOrder, the recovery sweeper on a schedule),
sends orders at a fixed rate, injects one fault, then waits with nobody acting until
every accepted order is processed. Prints accepted vs processed and any double effect.
The push subscription has Eventarc's retry policy (10 s .. 600 s, 5 attempts).

Scenarios:
  freeze-process     SIGSTOP processOrder for --seconds, then SIGCONT
  kill-process       SIGSTOP processOrder for --seconds, then SIGKILL; a new
                     instance 5 s later (as the platform starts one)
  freeze-emulators   SIGSTOP both emulators for --seconds, then SIGCONT

Options:
  --seconds N          length of the freeze (default 40)
  --at N               seconds into the load the fault starts (default 10)
  --rate R             orders per second (default 10)
  --duration N         seconds of load (default 60)
  --sweep-every-ms N   sweeper schedule (default 10000, the local stack's)
  --stuck-after-ms N   the sweeper's SWEEP_STUCK_AFTER_MS (default 30000, the local stack's)
  --wait N             seconds to wait for processing after the load (default 600)
  --port-base N        five consecutive ports from N (default 0: free ports)
  -h, --help           this text

Exit codes: 0 every accepted order processed exactly once; 1 not; 2 bad usage.`;

export function parseFaultOptions(argv: readonly string[] = process.argv.slice(2)): FaultOptions {
  const values = parseFlags(
    argv,
    {
      scenario: { type: 'string' },
      seconds: { type: 'string' },
      at: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      'sweep-every-ms': { type: 'string' },
      'stuck-after-ms': { type: 'string' },
      wait: { type: 'string' },
      'port-base': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new FaultOptionsError(message),
  );
  const help = values.help === true;
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const num = (name: string, fallback: number, min: number, max: number) => wholeNumber(`--${name}`, str(name) ?? String(fallback), min, max, (m) => new FaultOptionsError(m));
  const scenario = str('scenario');
  if (!help && !SCENARIOS.includes(scenario as (typeof SCENARIOS)[number])) {
    throw new FaultOptionsError(`--scenario must be one of ${SCENARIOS.join(', ')}, got ${scenario === undefined ? 'nothing' : `"${scenario}"`}`);
  }
  const forMs = num('seconds', 40, 1, 3600) * 1000;
  const atMs = num('at', 10, 0, 3600) * 1000;
  const fault: FaultPlan =
    scenario === 'kill-process'
      ? { kind: 'kill-process', atMs, frozenForMs: forMs, restartAfterMs: 5000 }
      : { kind: scenario === 'freeze-emulators' ? 'freeze-emulators' : 'freeze-process', atMs, forMs };
  return {
    fault,
    ratePerSecond: num('rate', 10, 1, 1000),
    loadMs: num('duration', 60, 1, 3600) * 1000,
    sweepIntervalMs: num('sweep-every-ms', 10_000, 100, 3_600_000),
    stuckAfterMs: num('stuck-after-ms', 30_000, 0, 3_600_000),
    settleTimeoutMs: num('wait', 600, 1, 7200) * 1000,
    portBase: num('port-base', 0, 0, 65530),
    help,
  };
}

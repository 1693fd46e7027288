import { runCli } from './cli/runCli';
import { SWEEP_HELP, SweepOptionsError, parseSweepOptions } from './sweep/parseSweepOptions';
import { runSweep } from './sweep/runSweep';

// Exit codes: 0 every pending order published (or none found), 1 some failed, 2 bad usage.
runCli({ parse: parseSweepOptions, usageError: SweepOptionsError, help: SWEEP_HELP, run: (options) => runSweep(options) });

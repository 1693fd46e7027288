import { runCli } from './cli/runCli';
import { SWEEP_HELP, SweepOptionsError, parseSweepOptions } from './sweep/parseSweepOptions';
import { runSweep } from './sweep/runSweep';

// Exit codes: 0 settled, 1 something left for the next run, 2 bad usage, 3 no stack or no credentials.
runCli({ parse: parseSweepOptions, usageError: SweepOptionsError, help: SWEEP_HELP, run: (options) => runSweep(options) });

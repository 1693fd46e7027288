import { runCli } from './cli/runCli';
import { runningStacks, stackStateDir } from './stack/stackState';
import { localStackEnv } from './sweep/localStackEnv';
import { SWEEP_HELP, SweepOptionsError, parseSweepOptions } from './sweep/parseSweepOptions';
import type { SweepOptions } from './sweep/parseSweepOptions';
import { runSweep } from './sweep/runSweep';

// Exit codes: 0 settled, 1 something left for the next run, 2 bad usage, 3 no stack or no credentials.
runCli({ parse, usageError: SweepOptionsError, help: SWEEP_HELP, run: (options) => runSweep(options) });

function parse(): SweepOptions {
  // The newest running stack of this user (npm start records itself), whatever its ports.
  const local = localStackEnv(process.env, runningStacks(stackStateDir())[0]);
  const options = parseSweepOptions(process.argv.slice(2), { ...process.env, ...local });
  // Against Google Cloud (--project) the local stack has no part; locally its collector gets the spans.
  if (options.project === undefined && local.OTEL_EXPORTER_OTLP_ENDPOINT) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = local.OTEL_EXPORTER_OTLP_ENDPOINT;
  return options;
}

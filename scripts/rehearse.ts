import { runCli } from './cli/runCli';
import { Cleanups } from './rehearse/cleanups';
import { formatRehearsalSummary } from './rehearse/formatRehearsalSummary';
import type { RehearseOptions } from './rehearse/parseRehearseOptions';
import { REHEARSE_HELP, RehearseOptionsError, parseRehearseOptions } from './rehearse/parseRehearseOptions';
import { runRehearsal } from './rehearse/runRehearsal';

// Exit codes: 0 every check passed, 1 a step failed, 2 bad options.
runCli({ parse: parseRehearseOptions, usageError: RehearseOptionsError, help: REHEARSE_HELP, run: rehearse });

async function rehearse(options: RehearseOptions): Promise<number> {
  const cleanups = new Cleanups();
  // Without --verbose the logs are kept back and only their end is shown on failure.
  const recent: string[] = [];
  const log = options.verbose
    ? (line: string) => console.log(line)
    : (line: string) => {
        recent.push(line);
        if (recent.length > 60) recent.shift();
      };
  // A signal still stops the stack and removes the folder before exiting.
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`${signal}: stopping the rehearsal…`);
    void cleanups.run((line) => console.error(line)).then(() => process.exit(1));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const summary = await runRehearsal(options, { progress: (line) => console.log(line), log, cleanups });
    console.log(`\n${formatRehearsalSummary(summary)}`);
    return 0;
  } catch (err) {
    if (recent.length > 0) console.error(`--- last log lines ---\n${recent.join('\n')}\n---`);
    console.error(`Rehearsal FAILED: ${(err as Error).message}`);
    return 1;
  }
}

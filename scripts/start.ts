import path from 'node:path';
import { runCli } from './cli/runCli';
import { formatBanner } from './stack/formatBanner';
import type { StackOptions } from './stack/parseStackOptions';
import { STACK_HELP, StackOptionsError, parseStackOptions } from './stack/parseStackOptions';
import { logWindow } from './stack/logWindow';
import { startStack } from './stack/startStack';

// Exit codes: 0 stopped on request, 1 could not start or a part died, 2 bad options.
runCli({ parse: parseStackOptions, usageError: StackOptionsError, help: STACK_HELP, run: runStack });

async function runStack(options: StackOptions): Promise<number> {
  // This process talks to the emulators with Google clients; off GCP their auth
  // would probe a metadata server and warn. An explicit setting is kept.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const started = Date.now();
  console.log('Starting the local stack…');
  // Signals that arrive while starting must still stop what has started.
  let stopRequested: string | undefined;
  let onStop: (signal: string) => void = (signal) => {
    stopRequested = signal;
  };
  let signals = 0;
  const handler = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now": exit, and the exit hook SIGKILLs the functions.
    if (++signals > 1) {
      console.error(`${signal} again: killing the functions and exiting`);
      process.exit(130);
    }
    onStop(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);

  const logs = logWindow({ dir: path.resolve(__dirname, '..', '..', '.stack', 'logs'), print: (line) => console.log(line), intervalMs: 10_000, raw: options.rawLogs });
  process.on('exit', () => logs.flush());
  let stack;
  try {
    stack = await startStack(options, { log: logs.log });
  } catch (err) {
    console.error(`Could not start the local stack: ${(err as Error).message}`);
    return stopRequested ? 0 : 1;
  }
  if (stopRequested) {
    await stack.close();
    return 0;
  }
  console.log(
    formatBanner({
      urls: stack.urls,
      exporter: options.exporter,
      readyMs: Date.now() - started,
      reused: stack.reused,
      emulators: stack.emulators,
      logFiles: options.rawLogs ? [] : logs.files.map((f) => path.relative(process.cwd(), f)),
    }),
  );

  const outcome = await Promise.race([
    new Promise<string>((resolve) => {
      onStop = (signal) => {
        // Mark the stack as closing inside the handler, so the functions' exit that
        // follows reads as requested, not as a crash.
        void stack.close();
        resolve(signal);
      };
    }),
    stack.failure,
  ]);
  if (outcome instanceof Error) {
    console.error(outcome.message);
    return 1;
  }
  console.log(`\n${outcome}: stopping the local stack…`);
  await stack.close();
  await logs.close();
  console.log('Stopped.');
  return 0;
}

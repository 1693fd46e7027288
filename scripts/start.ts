import path from 'node:path';
import { runCli } from './cli/runCli';
import { formatBanner } from './stack/formatBanner';
import type { StackOptions } from './stack/parseStackOptions';
import { FREE_PORT_ARGS, STACK_HELP, StackOptionsError, parseStackOptions } from './stack/parseStackOptions';
import { logWindow } from './stack/logWindow';
import { watchParent } from './frontEnd/watchParent';
import { describePlatform } from './stack/stackPlatform';
import { startStack } from './stack/startStack';
import type { Stack } from './stack/startStack';
import { PortInUseError } from './stack/assertPortsFree';
import { formatAlreadyRunning } from './stack/formatAlreadyRunning';
import { stackHolding, stackStateDir, writeStackState } from './stack/stackState';

// Exit codes: 0 stopped on request, 1 could not start or a part died, 2 bad options,
// 3 a stack of this project already holds the ports.
const EXIT_ALREADY_RUNNING = 3;
const REPEAT_AFTER_MS = 1_000;

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
  let firstSignalAt: number | undefined;
  const handler = (signal: string) => {
    // npm forwards SIGINT and SIGTERM to the runner, and a terminal's Ctrl-C reaches both:
    // one Ctrl-C arrives twice within milliseconds. Only a repeat after a second means "now".
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < REPEAT_AFTER_MS) return;
      console.error(`${signal} again: killing the functions and exiting`);
      process.exit(130);
    }
    firstSignalAt = Date.now();
    onStop(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
  // npm killed (any signal) or its terminal gone: stop as on SIGHUP.
  watchParent(() => handler('parent process gone'));
  // With npm or the terminal gone, writing to them fails (EPIPE, EIO); stopping must go on.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

  const logs = logWindow({ dir: path.resolve(__dirname, '..', '..', '.stack', 'logs'), print: (line) => console.log(line), intervalMs: 10_000, raw: options.rawLogs });
  process.on('exit', () => logs.flush());
  let stack;
  try {
    // Traces outlive a collector restart and a stack restart (bounded by the collector's --max-traces).
    stack = await startStack(options, { log: logs.log, traceFile: path.resolve(__dirname, '..', '..', '.stack', 'traces.jsonl') });
  } catch (err) {
    const holder = err instanceof PortInUseError ? stackHolding(stackStateDir(), err.busy.map((w) => w.port)) : undefined;
    if (holder) {
      console.error(formatAlreadyRunning(holder, FREE_PORT_ARGS));
      return EXIT_ALREADY_RUNNING;
    }
    console.error(`Could not start the local stack: ${(err as Error).message}`);
    return stopRequested ? 0 : 1;
  }
  // A second `npm start` and `npm run sweep` find this stack here.
  const forget = writeStackState(stackStateDir(), { pid: process.pid, startedAt: new Date().toISOString(), root: path.resolve(__dirname, '..', '..'), ports: portsOf(stack), urls: stack.urls });
  process.on('exit', forget);
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
      platform: describePlatform(options.platform),
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

/** Each part this stack listens for, by name, with its port (reused emulators are not ours). */
function portsOf(stack: Stack): Record<string, number> {
  const port = (url: string) => Number(new URL(url.includes('://') ? url : `http://${url}`).port);
  return {
    createOrder: port(stack.urls.createOrder),
    processOrder: port(stack.urls.processOrder),
    sweeper: port(stack.sweepUrl),
    ...(stack.reused.pubsub ? {} : { pubsub: port(stack.urls.pubsub) }),
    ...(stack.reused.firestore ? {} : { firestore: port(stack.urls.firestore) }),
    otlpGrpc: port(stack.urls.otlpGrpc),
    otlpHttp: port(stack.urls.otlpHttp),
    query: port(stack.urls.query),
  };
}

import * as grpc from '@grpc/grpc-js';
import { COLLECTOR_USAGE, CollectorUsageError, parseCollectorArgs } from './parseCollectorArgs';
import { startCollector } from './startCollector';

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCollectorArgs(argv);
  } catch (error) {
    if (!(error instanceof CollectorUsageError)) throw error;
    process.stderr.write(`collector: ${error.message}\n\n${COLLECTOR_USAGE}`);
    return 64;
  }
  if (command.help) {
    process.stdout.write(COLLECTOR_USAGE);
    return 0;
  }
  // grpc-js would print its own copy of a bind failure; ours below is clearer.
  grpc.setLogVerbosity(grpc.logVerbosity.NONE);
  // Listen before announcing readiness: whoever reads the ready line may signal at once.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let collector;
  try {
    collector = await startCollector({ ...command.options, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      process.stderr.write(`collector: a port is already in use (${err.message}); stop what holds it or pick another with --grpc-port/--http-port/--query-port (0 = any free port)\n`);
      return 2;
    }
    process.stderr.write(`collector: cannot start: ${err.message}\n`);
    return 1;
  }
  const { host, grpcPort, httpPort, queryPort } = collector;
  process.stdout.write(
    `collector ready: otlp-grpc=${host}:${grpcPort} otlp-http=http://${host}:${httpPort}/v1/traces query+viewer=http://${host}:${queryPort}/\n`,
  );
  const signal = await stopSignal;
  process.stderr.write(`collector: ${signal}, stopping\n`);
  await collector.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`collector: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

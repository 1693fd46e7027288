import { parseEmulatorArgs, USAGE, UsageError } from './parseEmulatorArgs';
import { PortInUseError, startPubSubEmulator } from './startPubSubEmulator';

async function main(): Promise<number> {
  const options = parseEmulatorArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const emulator = await startPubSubEmulator({
    host: options.host,
    port: options.port,
    log: (line) => process.stderr.write(`[pubsub-emulator] ${line}\n`),
  });
  process.stdout.write(`pubsub emulator listening on ${emulator.host}:${emulator.port}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`pubsub emulator: ${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (error instanceof PortInUseError) {
      process.stderr.write(`pubsub emulator: ${error.message}; stop whatever uses it or pass --port\n`);
      process.exit(2);
    }
    process.stderr.write(`pubsub emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

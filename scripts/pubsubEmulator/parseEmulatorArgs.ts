import { listenAddress } from '../cli/listenAddress';
import { parseFlags } from '../cli/parseFlags';

export interface EmulatorCliOptions {
  readonly help: boolean;
  readonly host: string;
  readonly port: number;
}

export const USAGE = `Usage: node_modules/.bin/node dist/scripts/pubsubEmulator/main.js [--port 8085] [--host 127.0.0.1] [-h|--help]

In-memory Google Cloud Pub/Sub emulator (gRPC google.pubsub.v1). Point clients at it
with PUBSUB_EMULATOR_HOST=HOST:PORT. Push subscriptions deliver Eventarc-style
CloudEvents; set push attribute x-emulator-delivery=wrapper for the plain Pub/Sub wrapper.

Exit codes: 0 stopped by SIGINT/SIGTERM, 2 bad arguments or port in use, 1 other failure.`;

/** A bad command line; the entry point turns it into a message and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseEmulatorArgs(argv: readonly string[]): EmulatorCliOptions {
  const usageError = (message: string) => new UsageError(message);
  const values = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, usageError);
  return { help: values.help === true, ...listenAddress(values, 8085, usageError) };
}

import { listenAddress } from '../cli/listenAddress';
import { parseFlags } from '../cli/parseFlags';
import { DEFAULT_FIRESTORE_EMULATOR_PORT } from './startFirestoreEmulator';

export interface FirestoreEmulatorCliOptions {
  readonly help: boolean;
  readonly host: string;
  readonly port: number;
}

export const FIRESTORE_EMULATOR_HELP = `Usage: node_modules/.bin/node dist/scripts/firestoreEmulator/main.js [--host 127.0.0.1] [--port ${DEFAULT_FIRESTORE_EMULATOR_PORT}]

In-memory Firestore emulator (google.firestore.v1 gRPC, no TLS). Point clients at it with
  FIRESTORE_EMULATOR_HOST=<host>:<port>
Data lives in memory and is gone when the process stops (Ctrl-C).

Options:
  --host ADDR   address to listen on (default 127.0.0.1)
  --port N      gRPC port (default ${DEFAULT_FIRESTORE_EMULATOR_PORT}; 0 = any free port)
  -h, --help    this text

Exit codes: 0 stopped by signal, 1 could not start, 2 bad arguments.`;

export class FirestoreEmulatorUsageError extends Error {
  override readonly name = 'FirestoreEmulatorUsageError';
}

/** Reads the command line (without node and script); throws FirestoreEmulatorUsageError. */
export function parseFirestoreEmulatorArgs(argv: readonly string[]): FirestoreEmulatorCliOptions {
  const usageError = (message: string) => new FirestoreEmulatorUsageError(message);
  const values = parseFlags(argv, { host: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, usageError);
  return { help: values.help === true, ...listenAddress(values, DEFAULT_FIRESTORE_EMULATOR_PORT, usageError) };
}

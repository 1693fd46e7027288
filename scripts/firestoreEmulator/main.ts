import { parseArgs } from 'node:util';
import { DEFAULT_FIRESTORE_EMULATOR_PORT, startFirestoreEmulator } from './startFirestoreEmulator';

const HELP = `Usage: node dist/scripts/firestoreEmulator/main.js [--host 127.0.0.1] [--port ${DEFAULT_FIRESTORE_EMULATOR_PORT}]

In-memory Firestore emulator (google.firestore.v1 gRPC, no TLS). Point clients at it with
  FIRESTORE_EMULATOR_HOST=<host>:<port>
Data lives in memory and is gone when the process stops (Ctrl-C).
Exit codes: 0 stopped by signal, 1 could not start, 2 bad arguments.`;

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = values.port === undefined ? DEFAULT_FIRESTORE_EMULATOR_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer 0-65535, got "${values.port}"`);
    return 2;
  }
  try {
    const emulator = await startFirestoreEmulator({ host: values.host ?? '127.0.0.1', port });
    console.log(`Firestore emulator listening on ${emulator.address}\n  export FIRESTORE_EMULATOR_HOST=${emulator.address}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await emulator.close();
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

import { FIRESTORE_EMULATOR_HELP, FirestoreEmulatorUsageError, parseFirestoreEmulatorArgs } from './parseFirestoreEmulatorArgs';
import { startFirestoreEmulator } from './startFirestoreEmulator';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseFirestoreEmulatorArgs(argv);
  } catch (err) {
    if (!(err instanceof FirestoreEmulatorUsageError)) throw err;
    console.error(`${err.message}\n\n${FIRESTORE_EMULATOR_HELP}`);
    return 2;
  }
  if (options.help) {
    console.log(FIRESTORE_EMULATOR_HELP);
    return 0;
  }
  try {
    const emulator = await startFirestoreEmulator({ host: options.host, port: options.port });
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

import { startFirestoreEmulator } from '../../scripts/firestoreEmulator/startFirestoreEmulator';
import { startPubSubEmulator } from '../../scripts/pubsubEmulator/startPubSubEmulator';
import { findGoogleEmulators } from '../../scripts/stack/findGoogleEmulators';
import { startGoogleEmulator } from '../../scripts/stack/startGoogleEmulator';

export type EmulatorBackendName = 'bundled' | 'google';

export interface TestEmulators {
  readonly backend: EmulatorBackendName;
  readonly firestorePort: number;
  readonly pubsubPort: number;
  close(): Promise<void>;
}

/**
 * Why Google's emulators cannot run here, as a skip message naming what is skipped,
 * or undefined when they can. Pass it as node:test's `skip` option.
 */
export function googleEmulatorsSkip(what: string): string | undefined {
  const lookup = findGoogleEmulators();
  return lookup.found ? undefined : `${what}: needs Google's emulators, not installed here (${lookup.reason})`;
}

/**
 * Both emulators on free loopback ports, with this process's environment pointed at
 * them (the Google clients read *_EMULATOR_HOST when they are constructed). Start them
 * before tracing so the emulators' own gRPC servers stay untraced.
 *
 * `google` starts gcloud's (Java: seconds, so once per test file, and only in files
 * that need real semantics; check googleEmulatorsSkip first). Each runs in its own
 * process group, stopped as a group by close().
 */
export async function startEmulators(backend: EmulatorBackendName = 'bundled'): Promise<TestEmulators> {
  const { firestorePort, pubsubPort, close } = backend === 'google' ? await startGoogle() : await startBundled();
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: `127.0.0.1:${firestorePort}`,
    PUBSUB_EMULATOR_HOST: `127.0.0.1:${pubsubPort}`,
    // Off Google Cloud: no metadata-server probe (and its warning) from the auth library.
    METADATA_SERVER_DETECTION: 'none',
  });
  return { backend, firestorePort, pubsubPort, close };
}

async function startBundled(): Promise<Omit<TestEmulators, 'backend'>> {
  const firestore = await startFirestoreEmulator({ port: 0 });
  const pubsub = await startPubSubEmulator({ port: 0 });
  return {
    firestorePort: firestore.port,
    pubsubPort: pubsub.port,
    close: async () => {
      await pubsub.close();
      await firestore.close();
    },
  };
}

async function startGoogle(): Promise<Omit<TestEmulators, 'backend'>> {
  const lookup = findGoogleEmulators();
  if (!lookup.found) throw new Error(`Google's emulators are not installed here: ${lookup.reason}`);
  // Both at once (each takes seconds), and both settled before going on, so neither is left running on a failure.
  const started = await Promise.allSettled(
    (['firestore', 'pubsub'] as const).map((kind) => startGoogleEmulator({ kind, gcloud: lookup.gcloud, port: 0, readyTimeoutMs: 120_000 })),
  );
  const running = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const close = async (): Promise<void> => {
    await Promise.all(running.map((emulator) => emulator.close()));
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { firestorePort: running[0]!.port, pubsubPort: running[1]!.port, close };
}

import { startFirestoreEmulator } from '../../scripts/firestoreEmulator/startFirestoreEmulator';
import { startPubSubEmulator } from '../../scripts/pubsubEmulator/startPubSubEmulator';

export interface TestEmulators {
  readonly firestorePort: number;
  readonly pubsubPort: number;
  close(): Promise<void>;
}

/**
 * Both emulators on free loopback ports, with this process's environment pointed at
 * them (the Google clients read *_EMULATOR_HOST when they are constructed). Start them
 * before tracing so the emulators' own gRPC servers stay untraced.
 */
export async function startEmulators(): Promise<TestEmulators> {
  const firestore = await startFirestoreEmulator({ port: 0 });
  const pubsub = await startPubSubEmulator({ port: 0 });
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: `127.0.0.1:${firestore.port}`,
    PUBSUB_EMULATOR_HOST: `127.0.0.1:${pubsub.port}`,
    // Off Google Cloud: no metadata-server probe (and its warning) from the auth library.
    METADATA_SERVER_DETECTION: 'none',
  });
  return {
    firestorePort: firestore.port,
    pubsubPort: pubsub.port,
    close: async () => {
      await pubsub.close();
      await firestore.close();
    },
  };
}

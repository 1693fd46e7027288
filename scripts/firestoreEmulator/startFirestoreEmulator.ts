import { createRequire } from 'node:module';
import type * as grpc from '@grpc/grpc-js';
import { FirestoreServer } from '@firestore-emulator/server';

// The emulator pins its own @grpc/grpc-js, whose Server only accepts credentials
// made by that same copy.
const emulatorGrpc = createRequire(require.resolve('@firestore-emulator/server'))(
  '@grpc/grpc-js',
) as typeof grpc;

export interface FirestoreEmulatorOptions {
  readonly host?: string;
  /** 8086 by default (the stack's port); 0 picks a free port. */
  readonly port?: number;
}

export interface FirestoreEmulator {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the value FIRESTORE_EMULATOR_HOST takes. */
  readonly address: string;
  /** Idempotent; in-flight calls (e.g. Listen streams) are cut, the data is dropped. */
  close(): Promise<void>;
}

export const DEFAULT_FIRESTORE_EMULATOR_PORT = 8086;

/**
 * An in-memory Firestore (google.firestore.v1 over gRPC, no TLS) on loopback.
 *
 * Limits of @firestore-emulator/server 0.3.15 (see test/scripts/firestoreEmulator):
 * transactions are not isolated (BeginTransaction returns a dummy id, no locks);
 * a commit applies its writes one by one, so a batch is atomic only up to the first
 * failing write (writes before it stay applied); GetDocument, UpdateDocument,
 * ListDocuments, ListCollectionIds, BatchWrite and CreateDocument RPCs are
 * unimplemented (the Node client uses Commit/BatchGetDocuments/RunQuery instead).
 */
export async function startFirestoreEmulator(options: FirestoreEmulatorOptions = {}): Promise<FirestoreEmulator> {
  const host = options.host ?? '127.0.0.1';
  const wantedPort = options.port ?? DEFAULT_FIRESTORE_EMULATOR_PORT;
  const emulator = new FirestoreServer();
  // FirestoreServer.start() binds 0.0.0.0 and hides the bound port, so loopback-only
  // and port 0 are impossible through it; bind its own gRPC server ourselves. (Taking
  // the service class from its deep dist path instead breaks error mapping: each dist
  // entry bundles its own FirestoreEmulatorError, so `instanceof` fails and every
  // ALREADY_EXISTS/NOT_FOUND becomes UNKNOWN.)
  const server = (emulator as unknown as { readonly server: grpc.Server }).server;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${formatHost(host)}:${wantedPort}`, emulatorGrpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(new Error(`Firestore emulator cannot listen on ${host}:${wantedPort}: ${err.message}`, { cause: err }));
      else resolve(bound);
    });
  });
  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    address: `${formatHost(host)}:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        // Listen streams never end on their own, so a graceful shutdown would wait
        // forever; an in-memory store has nothing to lose by a forced one.
        server.forceShutdown();
        resolve();
      });
      return closed;
    },
  };
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

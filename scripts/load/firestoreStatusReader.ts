import { Firestore } from '@google-cloud/firestore';

export interface StatusReader {
  read(orderIds: readonly string[]): Promise<ReadonlyMap<string, string | undefined>>;
  close(): Promise<void>;
}

/**
 * Reads `orders/{id}.status` through the real Firestore client: the emulator at host:port,
 * or (hostPort undefined) the project's own database with Application Default Credentials.
 */
export function firestoreStatusReader(hostPort: string | undefined, projectId: string, collection = 'orders'): StatusReader {
  let db: Firestore;
  if (hostPort === undefined) {
    db = new Firestore({ projectId });
  } else {
    // The emulator needs no credentials; without this, Google auth probes a metadata
    // server (and warns) before the first read. Same setting the stack gives the functions.
    process.env.METADATA_SERVER_DETECTION ??= 'none';
    const split = hostPort.lastIndexOf(':');
    db = new Firestore({ projectId, host: hostPort.slice(0, split), port: Number(hostPort.slice(split + 1)), ssl: false });
  }
  return {
    async read(orderIds) {
      const statuses = new Map<string, string | undefined>();
      for (let i = 0; i < orderIds.length; i += 200) {
        const refs = orderIds.slice(i, i + 200).map((id) => db.collection(collection).doc(id));
        const snapshots = await db.getAll(...refs);
        for (const snap of snapshots) {
          const status: unknown = snap.exists ? snap.get('status') : undefined;
          statuses.set(snap.id, typeof status === 'string' ? status : undefined);
        }
      }
      return statuses;
    },
    close: () => db.terminate(),
  };
}

/**
 * The differences between the bundled emulators and Google's (gcloud's), case by case,
 * run against both: each case states what each backend does, so a change on either side
 * (an upgrade that fixes the bundled one, a gcloud release) fails here and the list in
 * docs/emulators.md gets updated. Google's semantics are the real service's except where
 * a case says otherwise (then the real limit is the one documented at cloud.google.com).
 * Google's emulators start once for the file (Java: seconds); without them, that half is
 * skipped with a message saying so.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldValue, Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { googleEmulatorsSkip, startEmulators } from '../support/startEmulators';
import type { EmulatorBackendName, TestEmulators } from '../support/startEmulators';

process.env.METADATA_SERVER_DETECTION ??= 'none';

const PROJECT = 'demo-differences';
const INVALID_ARGUMENT = 3;
const FAILED_PRECONDITION = 9;
const ALREADY_EXISTS = 6;
const ONE_MIB = 1024 * 1024;
/** The service's publish request limit (cloud.google.com/pubsub/quotas: 10 MB). */
const PUBSUB_LIMIT = 10_000_000;

interface Clients {
  readonly db: Firestore;
  readonly pubsub: PubSub;
  /** A collection of its own per case, so cases never see each other's documents. */
  readonly collection: (name: string) => FirebaseFirestore.CollectionReference;
}

interface Case {
  readonly name: string;
  readonly run: (c: Clients) => Promise<unknown>;
  readonly google: unknown;
  readonly bundled: unknown;
}

const codeOf = async (work: Promise<unknown>): Promise<number | 'ok'> => {
  try {
    await work;
    return 'ok';
  } catch (error) {
    return (error as { code: number }).code;
  }
};

async function numbered(c: Clients, name: string) {
  const collection = c.collection(name);
  await Promise.all([1, 2, 3, 4, 5].map((n) => collection.doc(`d${n}`).set({ n })));
  return collection.orderBy('n');
}
const ns = (snapshot: FirebaseFirestore.QuerySnapshot) => snapshot.docs.map((d) => d.get('n') as number);

const CASES: readonly Case[] = [
  {
    name: 'a batch whose last write fails (create of an existing doc) rolls back the writes before it',
    run: async (c) => {
      const col = c.collection('batch');
      await col.doc('existing').set({ v: 1 });
      const batch = c.db.batch().set(col.doc('a'), { v: 1 }).set(col.doc('b'), { v: 1 }).create(col.doc('existing'), { v: 2 });
      const code = await codeOf(batch.commit());
      return { code, kept: [(await col.doc('a').get()).exists, (await col.doc('b').get()).exists] };
    },
    google: { code: ALREADY_EXISTS, kept: [false, false] },
    bundled: { code: ALREADY_EXISTS, kept: [true, true] },
  },
  {
    name: "processOrder's batch (create the idempotency marker, update the order) on a missing order writes no marker",
    run: async (c) => {
      const order = c.collection('marker').doc('gone');
      const marker = order.collection('deliveries').doc('processed');
      const code = await codeOf(c.db.batch().create(marker, { messageId: 'm-1' }).update(order, { status: 'processed' }).commit());
      return { code, marker: (await marker.get()).exists };
    },
    google: { code: 5, marker: false },
    bundled: { code: 5, marker: true },
  },
  {
    name: '20 concurrent read-modify-write transactions on one document are isolated',
    run: async (c) => {
      const doc = c.collection('tx').doc('counter');
      await doc.set({ n: 0 });
      await Promise.all(
        Array.from({ length: 20 }, () =>
          c.db.runTransaction(
            async (tx) => {
              const n = ((await tx.get(doc)).get('n') as number) + 1;
              tx.update(doc, { n });
            },
            { maxAttempts: 100 },
          ),
        ),
      );
      return { allCounted: (await doc.get()).get('n') === 20 };
    },
    google: { allCounted: true },
    bundled: { allCounted: false },
  },
  {
    name: 'an update with a stale lastUpdateTime precondition fails',
    run: async (c) => {
      const doc = c.collection('precondition').doc('d');
      const first = await doc.set({ v: 1 });
      await doc.set({ v: 2 });
      return { code: await codeOf(doc.update({ v: 3 }, { lastUpdateTime: first.writeTime })), v: (await doc.get()).get('v') };
    },
    google: { code: FAILED_PRECONDITION, v: 2 },
    bundled: { code: 'ok', v: 3 },
  },
  {
    name: 'FieldValue.delete() removes the field',
    run: async (c) => {
      const doc = c.collection('delete').doc('d');
      await doc.set({ keep: 1, drop: 1 });
      await doc.update({ drop: FieldValue.delete() });
      return Object.keys((await doc.get()).data() ?? {}).sort();
    },
    google: ['keep'],
    bundled: ['drop', 'keep'],
  },
  { name: 'startAfter skips up to the cursor', run: async (c) => ns(await (await numbered(c, 'startAfter')).startAfter(2).get()), google: [3, 4, 5], bundled: [1, 2, 3, 4, 5] },
  { name: 'offset skips results', run: async (c) => ns(await (await numbered(c, 'offset')).offset(2).get()), google: [3, 4, 5], bundled: [1, 2, 3, 4, 5] },
  { name: 'endBefore stops at the cursor', run: async (c) => ns(await (await numbered(c, 'endBefore')).endBefore(3).get()), google: [1, 2], bundled: [1, 2, 3, 4, 5] },
  {
    name: 'a reserved document id (__x__) is refused',
    run: (c) => codeOf(c.collection('reserved').doc('__x__').set({ v: 1 })),
    google: INVALID_ARGUMENT,
    bundled: 'ok',
  },
  {
    name: 'a document over the 1 MiB limit is refused',
    run: (c) => codeOf(c.collection('big').doc('d').set({ blob: Buffer.alloc(ONE_MIB, 0x61) })),
    google: INVALID_ARGUMENT,
    bundled: 'ok',
  },
  {
    name: 'a Pub/Sub message over the service limit of 10 MB is refused (the service refuses it)',
    run: async (c) => {
      const [topic] = await c.pubsub.createTopic(`big-${Date.now()}`);
      return { atLimit: await codeOf(topic.publishMessage({ data: Buffer.alloc(PUBSUB_LIMIT, 0x61) })), over: await codeOf(topic.publishMessage({ data: Buffer.alloc(PUBSUB_LIMIT + 1, 0x61) })) };
    },
    google: { atLimit: 'ok', over: 'ok' },
    bundled: { atLimit: 'ok', over: INVALID_ARGUMENT },
  },
];

function suite(backend: EmulatorBackendName, skip: string | undefined): void {
  void describe(`on the ${backend} emulators`, { skip }, () => {
    let emulators: TestEmulators | undefined;
    let clients: Clients;
    before(async () => {
      emulators = await startEmulators(backend);
      const db = new Firestore({ projectId: PROJECT, host: `127.0.0.1:${emulators.firestorePort}`, ssl: false, preferRest: false });
      const run = `${backend}-${Date.now()}`;
      clients = {
        db,
        pubsub: new PubSub({ projectId: PROJECT, apiEndpoint: `127.0.0.1:${emulators.pubsubPort}`, emulatorMode: true }),
        collection: (name) => db.collection(`${name}-${run}`),
      };
    });
    after(async () => {
      await clients?.pubsub.close();
      await clients?.db.terminate();
      await emulators?.close();
    });
    for (const c of CASES) {
      void it(c.name, async () => {
        assert.deepEqual(await c.run(clients), c[backend]);
      });
    }
  });
}

suite('bundled', undefined);
suite('google', googleEmulatorsSkip("the differences on Google's emulators"));

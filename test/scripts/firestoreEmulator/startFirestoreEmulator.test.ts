import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Firestore } from '@google-cloud/firestore';
import { startFirestoreEmulator } from '../../../scripts/firestoreEmulator/startFirestoreEmulator';
import type { FirestoreEmulator } from '../../../scripts/firestoreEmulator/startFirestoreEmulator';

const PROJECT_ID = 'demo-test';
const ALREADY_EXISTS = 6;

void describe('startFirestoreEmulator', () => {
  let emulator: FirestoreEmulator;
  let db: Firestore;

  before(async () => {
    emulator = await startFirestoreEmulator({ port: 0 });
    db = new Firestore({ projectId: PROJECT_ID, host: emulator.host, port: emulator.port, ssl: false });
  });

  after(async () => {
    await db.terminate();
    await emulator.close();
  });

  /** Two orders, both created as "received", for a batch to trip over. */
  async function twoReceivedOrders(prefix: string) {
    const existing = db.collection('orders').doc(`${prefix}-existing`);
    const other = db.collection('orders').doc(`${prefix}-other`);
    await existing.create({ status: 'received' });
    await other.create({ status: 'received' });
    return { existing, other };
  }

  void it('binds loopback on a free port when asked for port 0', () => {
    assert.equal(emulator.host, '127.0.0.1');
    assert.ok(emulator.port > 0);
    assert.equal(emulator.address, `127.0.0.1:${emulator.port}`);
  });

  void it('stores and reads back a document', async () => {
    const ref = db.collection('orders').doc('set-get');
    await ref.set({ status: 'received', total: 19, items: [{ sku: 'sku-1', quantity: 2 }] });
    const snap = await ref.get();
    assert.equal(snap.exists, true);
    assert.deepEqual(snap.data(), { status: 'received', total: 19, items: [{ sku: 'sku-1', quantity: 2 }] });
    assert.equal((await db.collection('orders').doc('never-written').get()).exists, false);
  });

  void it('rejects a second create of the same document with ALREADY_EXISTS (6)', async () => {
    const ref = db.collection('orders').doc('create-twice');
    await ref.create({ status: 'received' });
    await assert.rejects(ref.create({ status: 'other' }), (err: { code?: number }) => err.code === ALREADY_EXISTS);
    assert.equal((await ref.get()).get('status'), 'received');
  });

  void it('update() of a missing document fails with NOT_FOUND (5)', async () => {
    await assert.rejects(
      db.collection('orders').doc('missing').update({ status: 'processed' }),
      (err: { code?: number }) => err.code === 5,
    );
  });

  void it('a batch whose create fails first leaves its later update unapplied', async () => {
    const { existing, other } = await twoReceivedOrders('batch');
    const batch = db.batch().create(existing, { status: 'dup' }).update(other, { status: 'processed' });
    await assert.rejects(batch.commit(), (err: { code?: number }) => err.code === ALREADY_EXISTS);
    assert.equal((await other.get()).get('status'), 'received');
  });

  // Limit, not a wish: the emulator applies a commit's writes one by one, so writes
  // BEFORE the failing one stay applied. Real Firestore would apply none.
  void it('LIMIT: a batch is not atomic when the failing create comes after an update', async () => {
    const { existing, other } = await twoReceivedOrders('batch2');
    const batch = db.batch().update(other, { status: 'processed' }).create(existing, { status: 'dup' });
    await assert.rejects(batch.commit(), (err: { code?: number }) => err.code === ALREADY_EXISTS);
    assert.equal((await other.get()).get('status'), 'processed', 'emulator applied the write before the failure');
  });

  // Limit: no isolation. Two transactions that read the same counter both commit,
  // so one increment is lost; real Firestore would retry one of them.
  void it('LIMIT: concurrent transactions are not isolated (lost update)', async () => {
    const ref = db.collection('counters').doc('c');
    await ref.set({ n: 0 });
    let reads = 0;
    let releaseBoth: () => void = () => undefined;
    const bothRead = new Promise<void>((resolve) => {
      releaseBoth = resolve;
    });
    const increment = () =>
      db.runTransaction(
        async (tx) => {
          const n = (await tx.get(ref)).get('n') as number;
          reads += 1;
          if (reads >= 2) releaseBoth();
          await bothRead;
          tx.update(ref, { n: n + 1 });
        },
        { maxAttempts: 1 },
      );
    await Promise.all([increment(), increment()]);
    assert.equal((await ref.get()).get('n'), 1);
  });

  void it('close() is idempotent and frees the port', async () => {
    const other = await startFirestoreEmulator({ port: 0 });
    await other.close();
    await other.close();
    const again = await startFirestoreEmulator({ port: other.port });
    assert.equal(again.port, other.port);
    await again.close();
  });

  void it('names the address when the port is taken', async () => {
    await assert.rejects(startFirestoreEmulator({ port: emulator.port }), new RegExp(`127\\.0\\.0\\.1:${emulator.port}`));
  });
});

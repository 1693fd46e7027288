import { Firestore } from '@google-cloud/firestore';

/** A project of its own, so the warm-up leaves nothing in the stack's project. */
const WARM_UP_PROJECT = 'demo-stack-warm-up';

/**
 * Runs the kinds of call the functions make (create, get, a batch) once against a
 * freshly started Google Firestore emulator. Its first commit takes seconds (Java
 * warming up: ~2.6 s on an idle machine, over 10 s on a busy one), which would
 * otherwise land on the first order and can exceed createOrder's Firestore deadline.
 */
export async function warmUpFirestore(address: string): Promise<void> {
  const db = new Firestore({ projectId: WARM_UP_PROJECT, host: address, ssl: false });
  try {
    const ref = db.collection('warm-up').doc(`run-${process.pid}-${Date.now()}`);
    await ref.create({ at: new Date() });
    await ref.get();
    await db.batch().create(ref.collection('deliveries').doc('processed'), { at: new Date() }).update(ref, { done: true }).commit();
  } finally {
    await db.terminate();
  }
}

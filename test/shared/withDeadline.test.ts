import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyError } from '../../shared/errors';
import { abandonedCalls, withDeadline } from '../../shared/withDeadline';

test('a call answering in time passes its result or error through', async () => {
  assert.equal(await withDeadline('pubsub', 'publish', 1000, async () => 'm-1'), 'm-1');
  await assert.rejects(withDeadline('pubsub', 'publish', 1000, () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(abandonedCalls('pubsub'), 0);
});

test('a call past its deadline is a retryable DependencyError naming the dependency, and is counted until it settles', async () => {
  let settle!: () => void;
  const call = withDeadline('firestore', 'create', 20, () => new Promise<void>((resolve) => (settle = resolve)));
  const keepAlive = setTimeout(() => undefined, 5000); // the deadline timer is unref()ed
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof DependencyError);
    assert.equal(error.dependency, 'firestore');
    assert.equal(error.retryable, true);
    assert.equal(error.message, 'firestore: create did not answer within 20 ms');
    return true;
  });
  clearTimeout(keepAlive);
  assert.equal(abandonedCalls('firestore'), 1);
  settle();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(abandonedCalls('firestore'), 0);
});

test('past 100 abandoned calls still running, further calls fail at once without being attempted', async () => {
  const settlers: (() => void)[] = [];
  const hang = () => new Promise<void>((resolve) => settlers.push(resolve));
  const keepAlive = setTimeout(() => undefined, 5000);
  const results = await Promise.allSettled(Array.from({ length: 100 }, () => withDeadline('firestore', 'create', 10, hang)));
  clearTimeout(keepAlive);
  assert.ok(results.every((r) => r.status === 'rejected'));
  assert.equal(abandonedCalls('firestore'), 100);

  let attempted = false;
  await assert.rejects(
    withDeadline('firestore', 'create', 10, async () => {
      attempted = true;
    }),
    /firestore: create not attempted: 100 earlier calls are still unanswered after their deadline/,
  );
  assert.equal(attempted, false);
  assert.equal(abandonedCalls('pubsub'), 0, 'the other dependency is unaffected');

  // One of them finally gives up: calls go through again.
  settlers[0]!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await withDeadline('firestore', 'create', 1000, async () => 'ok'), 'ok');
  for (const settle of settlers) settle();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderIdForKey, parseIdempotencyKey } from '../../../shared/orders/idempotencyKey';

const accepted: ReadonlyArray<[string, string | undefined]> = [
  ['absent', undefined],
  ['a UUID', '7f9c2ba4-e88f-11ee-a4f5-325096b39f47'],
  ['one character', 'k'],
  ['255 characters', 'k'.repeat(255)],
  ['every visible ASCII character', Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('')],
];

for (const [name, raw] of accepted) {
  test(`accepts ${name}`, () => {
    assert.deepEqual(parseIdempotencyKey(raw), { ok: true, key: raw });
  });
}

const refused: ReadonlyArray<[string, string, RegExp]> = [
  ['empty', '', /is empty/],
  ['256 characters', 'k'.repeat(256), /has 256 characters/],
  ['a space (also how Node joins a repeated header)', 'a, b', /outside visible ASCII/],
  ['a tab', 'a\tb', /outside visible ASCII/],
  ['DEL', 'a\x7fb', /outside visible ASCII/],
  ['non-ASCII', 'clé', /outside visible ASCII/],
];

for (const [name, raw, why] of refused) {
  test(`refuses ${name} with a message that says what a key must be`, () => {
    const parsed = parseIdempotencyKey(raw);
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.match(parsed.problem, why);
    assert.match(parsed.problem, /^Idempotency-Key .*1 to 255 visible ASCII characters/);
  });
}

test('a key maps to one UUID-shaped order id (version 8, RFC variant), the same every time', () => {
  const id = orderIdForKey('key-1');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(orderIdForKey('key-1'), id);
  // Pinned: changing the derivation would orphan every stored keyed order.
  assert.equal(id, '82ea3052-bd78-873d-ac94-4316a94dadc3');
});

test('different keys give different order ids, including keys differing only in case', () => {
  const ids = new Set(['key-1', 'key-2', 'KEY-1', 'key-1 '.trim() + 'x'].map(orderIdForKey));
  assert.equal(ids.size, 4);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderInput } from '../../../shared/order';
import { orderFingerprint } from '../../../shared/orders/orderFingerprint';

const base: OrderInput = { customerId: 'c-1', items: [{ sku: 'a', quantity: 2, unitPrice: 9.5 }, { sku: 'b', quantity: 1, unitPrice: 0.1 }], currency: 'EUR' };

test('is a SHA-256 hex digest, independent of the order of JSON keys', () => {
  const reordered = JSON.parse('{"currency":"EUR","items":[{"unitPrice":9.5,"quantity":2,"sku":"a"},{"quantity":1,"sku":"b","unitPrice":0.1}],"customerId":"c-1"}') as OrderInput;
  assert.match(orderFingerprint(base), /^[0-9a-f]{64}$/);
  assert.equal(orderFingerprint(reordered), orderFingerprint(base));
});

const changes: ReadonlyArray<[string, OrderInput]> = [
  ['customer', { ...base, customerId: 'c-2' }],
  ['currency', { ...base, currency: 'USD' }],
  ['a quantity', { ...base, items: [{ sku: 'a', quantity: 3, unitPrice: 9.5 }, base.items[1]!] }],
  ['a price', { ...base, items: [{ sku: 'a', quantity: 2, unitPrice: 9.51 }, base.items[1]!] }],
  ['a sku', { ...base, items: [{ sku: 'A', quantity: 2, unitPrice: 9.5 }, base.items[1]!] }],
  ['the item order', { ...base, items: [base.items[1]!, base.items[0]!] }],
  ['an item fewer', { ...base, items: [base.items[0]!] }],
];

for (const [what, changed] of changes) {
  test(`changes with ${what}`, () => {
    assert.notEqual(orderFingerprint(changed), orderFingerprint(base));
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrderInput } from '../../shared/orderSchema';

const valid = { customerId: 'c-1', items: [{ sku: 'sku-1', quantity: 2, unitPrice: 9.5 }], currency: 'EUR' };

test('a valid order passes unchanged', () => {
  assert.deepEqual(parseOrderInput(valid), { ok: true, value: valid });
});

const invalid: ReadonlyArray<[string, unknown, string[]]> = [
  ['not an object', 'hello', ['body: must be an object']],
  ['null body', null, ['body: must be an object']],
  ['missing everything', {}, ['customerId: is required', 'items: is required', 'currency: is required']],
  ['empty customer', { ...valid, customerId: '  ' }, ['customerId: must not be empty']],
  ['customer with spaces', { ...valid, customerId: 'a b' }, ['customerId: may contain only letters, digits and . _ : @ -']],
  ['customer too long', { ...valid, customerId: 'c'.repeat(129) }, ['customerId: must be at most 128 characters']],
  ['no items', { ...valid, items: [] }, ['items: must hold at least one item']],
  ['too many items', { ...valid, items: Array.from({ length: 101 }, () => valid.items[0]) }, ['items: must hold at most 100 items']],
  ['items not an array', { ...valid, items: 'x' }, ['items: must be an array']],
  ['empty sku', { ...valid, items: [{ sku: '', quantity: 1, unitPrice: 1 }] }, ['items.0.sku: must not be empty']],
  ['fractional quantity', { ...valid, items: [{ sku: 's', quantity: 1.5, unitPrice: 1 }] }, ['items.0.quantity: must be a whole number']],
  ['zero quantity', { ...valid, items: [{ sku: 's', quantity: 0, unitPrice: 1 }] }, ['items.0.quantity: must be at least 1']],
  ['huge quantity', { ...valid, items: [{ sku: 's', quantity: 1001, unitPrice: 1 }] }, ['items.0.quantity: must be at most 1000']],
  ['negative price', { ...valid, items: [{ sku: 's', quantity: 1, unitPrice: -1 }] }, ['items.0.unitPrice: must not be negative']],
  ['sub-cent price', { ...valid, items: [{ sku: 's', quantity: 1, unitPrice: 0.001 }] }, ['items.0.unitPrice: must have at most 2 decimals']],
  ['price as string', { ...valid, items: [{ sku: 's', quantity: 1, unitPrice: '1' }] }, ['items.0.unitPrice: must be a number']],
  ['unknown item field', { ...valid, items: [{ sku: 's', quantity: 1, unitPrice: 1, color: 'red' }] }, ['items.0: unknown field color']],
  ['lower-case currency', { ...valid, currency: 'eur' }, ['currency: must be a three-letter ISO 4217 code such as EUR']],
  ['unknown top-level fields', { ...valid, a: 1, b: 2 }, ['unknown fields a, b']],
];

for (const [name, input, problems] of invalid) {
  test(`rejects ${name}`, () => {
    assert.deepEqual(parseOrderInput(input), { ok: false, problems });
  });
}

test('every problem is reported at once', () => {
  const result = parseOrderInput({ customerId: '', items: [{ sku: '', quantity: 0, unitPrice: -1 }], currency: 'x' });
  assert.equal(result.ok, false);
  assert.equal(result.ok ? 0 : result.problems.length, 5);
});

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
  ['sku with a zero-width space', { ...valid, items: [{ sku: 'sk\u200bu', quantity: 1, unitPrice: 1 }] }, ['items.0.sku: may contain only letters, digits and . _ : / # -']],
  ['sku with a lone surrogate', { ...valid, items: [{ sku: 'sk\ud800', quantity: 1, unitPrice: 1 }] }, ['items.0.sku: may contain only letters, digits and . _ : / # -']],
  ['negative zero price', { ...valid, items: [{ sku: 's', quantity: 1, unitPrice: -0 }] }, ['items.0.unitPrice: must not be negative']],
  ['price just off a cent', { ...valid, items: [{ sku: 's', quantity: 1, unitPrice: 9.500000001 }] }, ['items.0.unitPrice: must have at most 2 decimals']],
  ['smallest denormal price', { ...valid, items: [{ sku: 's', quantity: 1, unitPrice: 5e-324 }] }, ['items.0.unitPrice: must have at most 2 decimals']],
  ['infinite quantity', { ...valid, items: [{ sku: 's', quantity: Infinity, unitPrice: 1 }] }, ['items.0.quantity: must be a finite number']],
  ['__proto__ at the top', JSON.parse('{"__proto__":{"polluted":1},"customerId":"c-1","items":[{"sku":"s","quantity":1,"unitPrice":1}],"currency":"EUR"}'), ['field __proto__ is not allowed']],
  ['constructor in an item', { ...valid, items: [{ sku: 's', quantity: 1, unitPrice: 1, constructor: { prototype: {} } }] }, ['items.0: field constructor is not allowed']],
  ['prototype deep in an unknown field', { ...valid, x: { y: [{ prototype: 1 }] } }, ['x.y.0: field prototype is not allowed', 'unknown field x']],
  ['a very long unknown key', { ...valid, ['k'.repeat(100)]: 1 }, [`unknown field "${'k'.repeat(40)}…"`]],
  ['an unknown key with a control character', { ...valid, 'a\nb': 1 }, ['unknown field "a\\nb"']],
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

test('cents are exact for every two-decimal price up to the limit', () => {
  for (const price of [0, 0.01, 0.07, 0.1, 0.29, 19.99, 999_999.99, 1_000_000]) {
    assert.equal(parseOrderInput({ ...valid, items: [{ sku: 's', quantity: 1, unitPrice: price }] }).ok, true, String(price));
  }
});

test('thousands of problems are cut to the first twenty', () => {
  const result = parseOrderInput({ ...valid, items: Array.from({ length: 100 }, () => 1) });
  assert.equal(result.ok, false);
  const problems = result.ok ? [] : result.problems;
  assert.equal(problems.length, 21);
  assert.match(problems[20]!, /^… and \d+ more problems$/);
});

test('a body nested 100000 levels deep is refused without overflowing the stack', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const result = parseOrderInput({ ...valid, deep });
  assert.deepEqual(result, { ok: false, problems: ['unknown field deep'] });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoisonMessageError } from '../../../shared/errors';
import { decodeOrderMessage } from '../../../shared/orders/decodeOrderMessage';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

test('decodes a published order message', () => {
  const message = { orderId: 'abc-1', customerId: 'c-1', total: 19, currency: 'EUR', itemCount: 2 };
  assert.deepEqual(decodeOrderMessage(b64(message)), message);
});

const poison: ReadonlyArray<[string, unknown, RegExp]> = [
  ['missing data', undefined, /no data/],
  ['empty data', '', /no data/],
  ['data not a string', 42, /no data/],
  ['bad base64', '@@@@', /not valid base64/],
  ['base64 of non-JSON', b64('hello'), /not JSON/],
  ['JSON without orderId', b64({ customerId: 'c' }), /no valid orderId/],
  ['orderId with a slash', b64({ orderId: 'a/b' }), /no valid orderId/],
  ['JSON null', b64('null'), /no valid orderId/],
  // Firestore reserves __…__ ids: real Firestore refuses them (INVALID_ARGUMENT), so no retry helps.
  ['reserved id __x__', b64({ orderId: '__x__' }), /no valid orderId/],
  ['reserved id ____', b64({ orderId: '____' }), /no valid orderId/],
];
for (const [name, data, reason] of poison) {
  test(`${name} is a poison message`, () => {
    assert.throws(() => decodeOrderMessage(data), (error: unknown) => error instanceof PoisonMessageError && reason.test(error.message));
  });
}

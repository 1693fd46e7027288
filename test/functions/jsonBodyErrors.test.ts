import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutBodyExcerpt } from '../../functions/jsonBodyErrors';

const cases: ReadonlyArray<[string, string, string]> = [
  ['V8 quotes the body', `Unexpected token 'N', "..."unitPrice":NaN}]..." is not valid JSON`, `Unexpected token 'N'`],
  ['a quote with quotes inside', `Unexpected token 'x', "{"sku":"SKU-1"x" is not valid JSON`, `Unexpected token 'x'`],
  ['a message without an excerpt', 'Unexpected end of JSON input', 'Unexpected end of JSON input'],
  ['a position', `Expected property name or '}' in JSON at position 1 (line 1 column 2)`, `Expected property name or '}' in JSON at position 1 (line 1 column 2)`],
  ['a charset error', 'unsupported charset "LATIN1"', 'unsupported charset "LATIN1"'],
];

for (const [name, message, expected] of cases) {
  test(`parse error message: ${name}`, () => {
    assert.equal(withoutBodyExcerpt(message), expected);
  });
}

test('a parse error message is bounded', () => {
  assert.equal(withoutBodyExcerpt('x'.repeat(1000)).length, 200);
});

test('the excerpt of a real JSON.parse error is removed', () => {
  let message = '';
  try {
    JSON.parse('{"sku":SKU-SECRET}');
  } catch (error) {
    message = (error as Error).message;
  }
  assert.match(message, /SKU-SECRET/, 'V8 still quotes the body; if not, this cut is no longer needed');
  assert.doesNotMatch(withoutBodyExcerpt(message), /SKU-SECRET/);
});

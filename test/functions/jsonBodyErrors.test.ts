import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { jsonParseError, routeJsonParseErrorsToFunction, supportedVersionsProblem, withoutBodyExcerpt } from '../../functions/jsonBodyErrors';

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

void describe('the functions-framework / body-parser patch', () => {
  void it('accepts the versions it was written for and refuses others, naming package, version and range', () => {
    const installed = { '@google-cloud/functions-framework': '5.0.5', 'body-parser': '2.4.0' };
    assert.equal(supportedVersionsProblem(installed), undefined);
    assert.equal(supportedVersionsProblem({ ...installed, '@google-cloud/functions-framework': '5.0.0' }), undefined);
    assert.match(
      supportedVersionsProblem({ ...installed, '@google-cloud/functions-framework': '5.1.0' }) ?? '',
      /^functions\/jsonBodyErrors\.ts patches @google-cloud\/functions-framework >=5\.0\.0 <5\.1\.0, found 5\.1\.0: read its new sources/,
    );
    assert.match(supportedVersionsProblem({ ...installed, 'body-parser': '1.20.3' }) ?? '', /patches body-parser >=2\.2\.0 <3\.0\.0, found 1\.20\.3/);
    assert.match(supportedVersionsProblem({ ...installed, 'body-parser': undefined }) ?? '', /found no version/);
  });

  // If an upgrade of functions-framework stopped building its parsers through body-parser's
  // exports (or built them elsewhere), the patch would silently do nothing: this fails then.
  void it('is in force in a real functions-framework server: the function sees the parse error, an over-limit declared length is refused unread', async (t) => {
    const { http: register } = await import('@google-cloud/functions-framework');
    const { getTestServer } = await import('@google-cloud/functions-framework/testing');
    routeJsonParseErrorsToFunction(1024);
    register('bodyPatchProbe', (req, res) => {
      res.status(299).json({ parseError: jsonParseError(req) ?? null, body: req.body as unknown });
    });
    const server = getTestServer('bodyPatchProbe');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const post = async (body: string): Promise<{ status: number; json: { parseError: { status: number; message: string } | null } }> => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, json: (await res.json()) as { parseError: { status: number; message: string } | null } };
    };
    const malformed = await post('{"sku":SKU-SECRET}');
    assert.equal(malformed.status, 299, 'the function answered, not Express');
    assert.equal(malformed.json.parseError?.status, 400);
    assert.doesNotMatch(malformed.json.parseError?.message ?? '', /SKU-SECRET/);
    const large = await post(JSON.stringify({ pad: 'x'.repeat(2000) }));
    assert.equal(large.json.parseError?.status, 413);
    assert.deepEqual((await post('{"ok":true}')).json, { parseError: null, body: { ok: true } });
  });
});

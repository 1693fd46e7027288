import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CATEGORIES, generateBadRequests } from './badRequests';

function fingerprint(seed: number, count: number): string {
  const hash = createHash('sha256');
  for (const r of generateBadRequests({ seed, count, maxBodyBytes: 64 * 1024 })) {
    hash.update(`${r.category}|${r.name}|${r.method}|${JSON.stringify(r.headers)}|${r.status.join()}|${String(r.mentions)}|`);
    if (r.body) hash.update(r.body);
  }
  return hash.digest('hex');
}

test('the same seed gives the same requests, byte for byte; another seed others', () => {
  assert.equal(fingerprint(7, 300), fingerprint(7, 300));
  assert.notEqual(fingerprint(7, 300), fingerprint(8, 300));
});

test('categories take turns and every request expects a 4xx', () => {
  const seen = new Map<string, number>();
  for (const r of generateBadRequests({ seed: 1, count: CATEGORIES.length * 20, maxBodyBytes: 64 * 1024 })) {
    seen.set(r.category, (seen.get(r.category) ?? 0) + 1);
    assert.ok(r.status.length > 0 && r.status.every((s) => s >= 400 && s < 500), `${r.category} ${r.name}`);
  }
  assert.deepEqual([...seen.values()], CATEGORIES.map(() => 20));
});

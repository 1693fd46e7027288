import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { supportedVersion } from 'cloud-functions-otel-tracing/internal/supportedVersion';

function withManifest(content: string, check: (file: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'supported-version-'));
  try {
    const file = path.join(dir, 'package.json');
    writeFileSync(file, content);
    check(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: ReadonlyArray<{ version: string; range: string; supported: boolean }> = [
  { version: '5.0.5', range: '>=5.0.0 <6.0.0', supported: true },
  { version: '5.9.0-beta.1', range: '>=5.0.0 <6.0.0', supported: true },
  { version: '6.0.0', range: '>=5.0.0 <6.0.0', supported: false },
  { version: '4.9.9', range: '>=5.0.0 <6.0.0', supported: false },
];

for (const { version, range, supported } of cases) {
  test(`version ${version} against ${range}: ${supported ? 'supported' : 'refused, naming the package, version and range'}`, () => {
    withManifest(JSON.stringify({ name: 'some-lib', version }), (file) => {
      const check = supportedVersion(file, range);
      assert.equal(check.supported, supported);
      if (!check.supported) assert.equal(check.reason, `some-lib ${version} is outside the versions zero-code tracing supports (${range})`);
    });
  });
}

test('an unreadable or versionless package.json is refused with the reason, never thrown', () => {
  withManifest('{ not json', (file) => {
    const check = supportedVersion(file, '>=1.0.0');
    assert.equal(check.supported, false);
    assert.match(check.supported ? '' : check.reason, /^cannot read the version of .*package\.json: /);
  });
  withManifest(JSON.stringify({ name: 'no-version' }), (file) => {
    const check = supportedVersion(file, '>=1.0.0');
    assert.deepEqual(check, { supported: false, reason: 'no-version (no version) is outside the versions zero-code tracing supports (>=1.0.0)' });
  });
});

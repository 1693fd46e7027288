import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findGoogleEmulators } from '../../../scripts/stack/findGoogleEmulators';

/** A PATH directory with a gcloud linked into an SDK tree, as Debian's package lays it out. */
function machine(has: { gcloud?: boolean; java?: boolean; components?: readonly string[] }): { path: string; sdk: string; gcloud: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'sdk-'));
  const sdk = path.join(root, 'google-cloud-sdk');
  const bin = path.join(root, 'bin');
  mkdirSync(path.join(sdk, 'bin'), { recursive: true });
  mkdirSync(bin);
  const executable = (file: string) => {
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
  };
  executable(path.join(sdk, 'bin', 'gcloud'));
  if (has.gcloud !== false) symlinkSync(path.join(sdk, 'bin', 'gcloud'), path.join(bin, 'gcloud'));
  if (has.java !== false) executable(path.join(bin, 'java'));
  for (const c of has.components ?? ['pubsub-emulator', 'cloud-firestore-emulator']) mkdirSync(path.join(sdk, 'platform', c), { recursive: true });
  return { path: bin, sdk, gcloud: path.join(bin, 'gcloud') };
}

void describe('findGoogleEmulators', () => {
  void it('finds gcloud, its SDK root through the link, both components and java', () => {
    const m = machine({});
    assert.deepEqual(findGoogleEmulators(m.path), { found: true, gcloud: m.gcloud, sdkRoot: m.sdk });
  });

  const MISSING = [
    { name: 'no gcloud', has: { gcloud: false }, reason: /^gcloud is not on PATH$/ },
    { name: 'no Firestore component', has: { components: ['pubsub-emulator'] }, reason: /^gcloud component cloud-firestore-emulator not installed in / },
    { name: 'no components', has: { components: [] }, reason: /^gcloud components pubsub-emulator, cloud-firestore-emulator not installed in / },
    { name: 'no java', has: { java: false }, reason: /^java is not on PATH/ },
  ] as const;
  for (const c of MISSING) {
    void it(`says why not: ${c.name}`, () => {
      const found = findGoogleEmulators(machine(c.has).path);
      assert.equal(found.found, false);
      assert.match((found as { reason: string }).reason, c.reason);
    });
  }
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseEmulators, GoogleEmulatorsMissingError } from '../../../scripts/stack/chooseEmulators';
import type { GoogleEmulatorsLookup } from '../../../scripts/stack/findGoogleEmulators';
import { parseStackOptions } from '../../../scripts/stack/parseStackOptions';

const INSTALLED: GoogleEmulatorsLookup = { found: true, gcloud: '/usr/bin/gcloud', sdkRoot: '/usr/lib/google-cloud-sdk' };
const ABSENT: GoogleEmulatorsLookup = { found: false, reason: 'gcloud is not on PATH' };
const REUSED = { PUBSUB_EMULATOR_HOST: '127.0.0.1:1', FIRESTORE_EMULATOR_HOST: '127.0.0.1:2' };

const CASES = [
  { name: 'auto, installed', argv: [], lookup: INSTALLED, want: { backend: 'google', why: 'gcloud emulators installed' } },
  { name: 'auto, absent', argv: [], lookup: ABSENT, want: { backend: 'bundled', why: "Google's not available: gcloud is not on PATH" } },
  { name: 'google, installed', argv: ['--emulators=google'], lookup: INSTALLED, want: { backend: 'google', why: '--emulators google' } },
  { name: 'bundled, installed', argv: ['--emulators=bundled'], lookup: INSTALLED, want: { backend: 'bundled', why: '--emulators bundled' } },
  { name: 'google, both reused', argv: ['--emulators=google'], env: REUSED, lookup: ABSENT, want: { backend: 'bundled', why: 'none started, both reused from *_EMULATOR_HOST' } },
] as const;

void describe('chooseEmulators', () => {
  for (const c of CASES) {
    void it(c.name, () => {
      assert.deepEqual(chooseEmulators(parseStackOptions([...c.argv], 'env' in c ? c.env : {}), () => c.lookup), c.want);
    });
  }

  void it('google when absent is an error saying why and what to do instead', () => {
    assert.throws(
      () => chooseEmulators(parseStackOptions(['--emulators=google'], {}), () => ABSENT),
      (err: unknown) =>
        err instanceof GoogleEmulatorsMissingError &&
        err.message === "--emulators google: Google's emulators cannot run here: gcloud is not on PATH. Use --emulators bundled (or auto).",
    );
  });
});

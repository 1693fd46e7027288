import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGoogleEmulator } from '../../../scripts/stack/startGoogleEmulator';
import { isAlive } from '../../support/isAlive';

// gcloud's start is a wrapper whose child listens; a fake with the same shape shows
// the whole process group is stopped, on any machine (Google's own run in test/e2e).
const dir = mkdtempSync(path.join(tmpdir(), 'fake-gcloud-'));
const GCLOUD = path.join(dir, 'gcloud');
writeFileSync(GCLOUD, `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, 'fixtures', 'fakeGcloud.js')}" "$@"\n`);
chmodSync(GCLOUD, 0o755);

void describe('startGoogleEmulator (fake gcloud)', () => {
  void it('resolves once the emulator answers, and close() stops the wrapper and what it spawned', async () => {
    const pidFile = path.join(dir, 'serve.pid');
    const emulator = await startGoogleEmulator({ kind: 'pubsub', gcloud: GCLOUD, port: 0, projectId: 'demo-x', env: { ...process.env, FAKE_GCLOUD_PIDFILE: pidFile } });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.equal(await (await fetch(`http://${emulator.address}/`)).text(), 'Ok');
    assert.ok(isAlive(grandchild) && isAlive(emulator.pid!));
    await emulator.close();
    assert.equal(isAlive(emulator.pid!), false, 'wrapper stopped');
    assert.equal(isAlive(grandchild), false, 'the process it spawned stopped too');
    await assert.rejects(fetch(`http://${emulator.address}/`), 'nothing listens any more');
  });

  void it('a gcloud that fails names the emulator and quotes its last lines', async () => {
    await assert.rejects(
      startGoogleEmulator({ kind: 'firestore', gcloud: GCLOUD, port: 0, env: { ...process.env, FAKE_GCLOUD_MODE: 'fail' } }),
      (err: Error) =>
        /^Google's firestore emulator \(gcloud emulators firestore start\) exited before answering at http:\/\/127\.0\.0\.1:\d+\/ \(gcloud exited with code 1\); its last lines:\n {2}ERROR: \(gcloud\.emulators\.pubsub\.start\) You cannot perform this action/.test(err.message),
    );
  });
});

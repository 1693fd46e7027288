import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { measureNodeModules } from '../../../scripts/rehearse/measureNodeModules';

void describe('measureNodeModules', () => {
  let root = '';
  after(() => rm(root, { recursive: true, force: true }));

  void it('counts top-level, scoped and nested packages and the bytes of regular files only', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'node-modules-'));
    const files: Record<string, number> = {
      'a/package.json': 10,
      'a/node_modules/b/package.json': 20,
      '@s/c/package.json': 30,
      '@s/c/lib/x.js': 40,
      '.bin/.keep': 0,
    };
    for (const [rel, size] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), 'x'.repeat(size));
    }
    await symlink('../a/package.json', path.join(root, '.bin', 'a'));
    assert.deepEqual(await measureNodeModules(root), { bytes: 100, packages: 3, topLevel: ['@s/c', 'a'] });
  });
});

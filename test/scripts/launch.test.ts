import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// scripts/launch.mjs in a throwaway project: a stand-in `tsc` records each build, a
// stand-in compiled script prints its arguments. Proves when a build happens, not how long.
const LAUNCHER = path.resolve(__dirname, '../../../scripts/launch.mjs');
const FAKE_TSC = `require('fs').appendFileSync(require('path').join(process.cwd(), 'tsc.log'), process.argv.slice(2).join(' ') + '\\n');
process.exit(Number(process.env.FAKE_TSC_EXIT || 0));\n`;
const SCRIPT = `console.log('ran with ' + JSON.stringify(process.argv.slice(2)));\n`;

/** A folder holding the launcher and the stand-in tsc, nothing else yet. */
async function throwawayProject(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'launch-'));
  await mkdir(path.join(root, 'scripts'));
  await copyFile(LAUNCHER, path.join(root, 'scripts', 'launch.mjs'));
  await mkdir(path.join(root, 'node_modules', 'typescript', 'bin'), { recursive: true });
  await writeFile(path.join(root, 'node_modules', 'typescript', 'package.json'), '{"name":"typescript","version":"0.0.0"}');
  await writeFile(path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), FAKE_TSC);
  return root;
}

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly built?: boolean;
  readonly tscExit?: number;
  readonly exit: number;
  readonly builds: boolean;
  readonly stdout?: RegExp;
  readonly stderr?: RegExp;
}

const CASES: readonly Case[] = [
  { name: '--help with a build answers at once', args: ['demo', '--help'], built: true, exit: 0, builds: false, stdout: /ran with \["--help"\]/ },
  { name: 'a run builds first (incremental --build), then runs', args: ['demo', '--orders', '5'], built: true, exit: 0, builds: true, stdout: /ran with \["--orders","5"\]/ },
  { name: 'the first build says it is building', args: ['demo'], built: false, exit: 0, builds: true, stdout: /Building the TypeScript sources[\s\S]*ran with \[\]/ },
  { name: '--help answers from compiled output even before a tracked build', args: ['demo', '-h'], built: false, exit: 0, builds: false, stdout: /ran with \["-h"\]/ },
  { name: 'a failed build stops with one line and exit 1', args: ['demo'], built: true, tscExit: 2, exit: 1, builds: true, stderr: /^The build failed \(tsc exit 2\)/m },
  { name: 'an unknown script exits 2', args: ['nope'], built: true, exit: 2, builds: true, stderr: /No script named "nope"/ },
  { name: '--build only builds', args: ['--build'], built: true, exit: 0, builds: true },
];

void describe('scripts/launch.mjs', () => {
  for (const c of CASES) {
    void it(c.name, async () => {
      const root = await throwawayProject();
      try {
        await mkdir(path.join(root, 'dist', 'scripts'), { recursive: true });
        await writeFile(path.join(root, 'dist', 'scripts', 'demo.js'), SCRIPT);
        await writeFile(path.join(root, 'scripts', 'demo.ts'), '// the source of dist/scripts/demo.js\n');
        if (c.built) await writeFile(path.join(root, 'dist', '.tsbuildinfo'), '{}');

        const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'launch.mjs'), ...c.args], {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, FAKE_TSC_EXIT: String(c.tscExit ?? 0) },
        });
        assert.equal(run.status, c.exit, run.stderr);
        const log = path.join(root, 'tsc.log');
        assert.equal(existsSync(log), c.builds, 'whether tsc ran');
        if (c.builds) assert.match(await readFile(log, 'utf8'), /^--build .*tsconfig\.json$/m);
        if (c.stdout) assert.match(run.stdout, c.stdout);
        if (c.stderr) assert.match(run.stderr, c.stderr);
        if (c.built) assert.doesNotMatch(run.stdout, /Building/);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }

  void it('a build removes compiled files whose source is gone (a moved test would still run)', async () => {
    const root = await throwawayProject();
    try {
      await mkdir(path.join(root, 'test', 'kept'), { recursive: true });
      await writeFile(path.join(root, 'test', 'kept', 'a.test.ts'), '');
      await mkdir(path.join(root, 'dist', 'test', 'kept'), { recursive: true });
      await mkdir(path.join(root, 'dist', 'test', 'moved'), { recursive: true });
      for (const f of ['kept/a.test.js', 'kept/a.test.js.map', 'moved/b.test.js', 'moved/b.test.js.map']) await writeFile(path.join(root, 'dist', 'test', f), '');

      const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'launch.mjs'), '--build'], { cwd: root, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.ok(existsSync(path.join(root, 'dist', 'test', 'kept', 'a.test.js')));
      assert.ok(existsSync(path.join(root, 'dist', 'test', 'kept', 'a.test.js.map')));
      assert.equal(existsSync(path.join(root, 'dist', 'test', 'moved', 'b.test.js')), false);
      assert.equal(existsSync(path.join(root, 'dist', 'test', 'moved', 'b.test.js.map')), false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

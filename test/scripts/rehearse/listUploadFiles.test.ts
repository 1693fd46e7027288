import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GcloudIgnoreError } from '../../../scripts/rehearse/gcloudIgnoreRules';
import { listUploadFiles } from '../../../scripts/rehearse/listUploadFiles';

// Every expected list below is what `gcloud meta list-files-for-upload` (Cloud SDK 528)
// printed for the same tree, checked by hand once; CI does not need gcloud. One
// exception: with no .gcloudignore, `gcloud functions deploy` also leaves out
// node_modules (command_lib/functions/source_util.py), which the generic `meta` does not.

const TREE = [
  'package.json',
  'functions/index.ts',
  'shared/config.ts',
  'test/a.test.ts',
  'scripts/deploy.ts',
  'README.md',
  'docs/guide.md',
  'logs/keep.log',
  'logs/other.log',
  'app.log',
  'keep.log',
  'dist/functions/index.js',
  'node_modules/x/index.js',
  'a/b/c.txt',
  'b/c.txt',
  'build',
  '.env',
  '.git/HEAD',
];

const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

async function tree(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'upload-files-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  return root;
}

const base = Object.fromEntries(TREE.map((f) => [f, f]));
const all = (...extra: string[]) => [...TREE, ...extra].sort();
const without = (list: readonly string[], drop: (f: string) => boolean) => list.filter((f) => !drop(f));

interface Case {
  readonly name: string;
  readonly gcloudignore?: string;
  readonly gitignore?: string;
  readonly expected: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'an allow-list: /* then negated top-level entries',
    gcloudignore: '/*\n!/package.json\n!/functions/\n!/shared/\n',
    expected: ['functions/index.ts', 'package.json', 'shared/config.ts'],
  },
  {
    name: 'a negation re-includes a file an earlier pattern ignored',
    gcloudignore: '*.log\n!keep.log\n',
    expected: without(all('.gcloudignore'), (f) => f === 'app.log' || f === 'logs/other.log'),
  },
  {
    name: 'nothing inside an ignored directory can be re-included',
    gcloudignore: 'logs/\n!logs/keep.log\n',
    expected: without(all('.gcloudignore'), (f) => f.startsWith('logs/')),
  },
  {
    name: '#!include:.gitignore applies .gitignore at that point; a later line still wins',
    gcloudignore: '#!include:.gitignore\n!dist/\n',
    gitignore: 'node_modules/\ndist/\n*.log\n',
    expected: without(all('.gcloudignore', '.gitignore'), (f) => f.startsWith('node_modules/') || f.endsWith('.log')),
  },
  {
    name: 'without the directive, .gitignore is not applied',
    gcloudignore: '.git\n',
    gitignore: 'node_modules/\n',
    expected: without(all('.gcloudignore', '.gitignore'), (f) => f.startsWith('.git/')),
  },
  {
    name: '"# !include:" with a space is a directive too',
    gcloudignore: '# !include:.gitignore\n',
    gitignore: 'docs/\n',
    expected: without(all('.gcloudignore', '.gitignore'), (f) => f.startsWith('docs/')),
  },
  {
    name: 'a pattern with a slash inside matches at any depth (gcloud, unlike git)',
    gcloudignore: 'b/c.txt\n',
    expected: without(all('.gcloudignore'), (f) => f.endsWith('b/c.txt')),
  },
  {
    name: 'a leading slash anchors to the root',
    gcloudignore: '/b/c.txt\n',
    expected: without(all('.gcloudignore'), (f) => f === 'b/c.txt'),
  },
  {
    name: 'a trailing slash matches directories only',
    gcloudignore: 'build/\ndist/\n',
    expected: without(all('.gcloudignore'), (f) => f.startsWith('dist/')),
  },
  {
    name: 'no .gcloudignore, Git files present: gcloud functions default plus .gitignore',
    gitignore: 'dist/\n',
    expected: without(all('.gitignore'), (f) => f.startsWith('.git') || f.startsWith('node_modules/') || f.startsWith('dist/')),
  },
];

void describe('listUploadFiles', () => {
  for (const c of CASES) {
    void it(c.name, async () => {
      const files: Record<string, string> = { ...base };
      if (c.gcloudignore !== undefined) files['.gcloudignore'] = c.gcloudignore;
      if (c.gitignore !== undefined) files['.gitignore'] = c.gitignore;
      assert.deepEqual(await listUploadFiles(await tree(files)), [...c.expected].sort());
    });
  }

  void it('uploads everything when there is no .gcloudignore and no Git files or node_modules', async () => {
    const root = await tree({ 'a.ts': '', 'b/c.ts': '', '.env': '' });
    assert.deepEqual(await listUploadFiles(root), ['.env', 'a.ts', 'b/c.ts']);
  });

  void it('follows a symlinked directory, and its pattern applies to it as a directory', async () => {
    const root = await tree({ 'real/x.ts': '', '.gcloudignore': 'other/\n' });
    await symlink('real', path.join(root, 'linked'));
    await symlink('real', path.join(root, 'other'));
    assert.deepEqual(await listUploadFiles(root), ['.gcloudignore', 'linked/x.ts', 'real/x.ts']);
  });

  void it('rejects a symlink that loops back to its own directory', async () => {
    const root = await tree({ 'a/x.ts': '' });
    await symlink('..', path.join(root, 'a', 'up'));
    await assert.rejects(listUploadFiles(root), GcloudIgnoreError);
  });

  const BAD: readonly [string, string, RegExp][] = [
    ['an included file that does not exist', '#!include:.missing\n', /\.missing does not exist/],
    ['an include outside the folder', '#!include:../.gitignore\n', /same directory/],
  ];
  for (const [name, gcloudignore, message] of BAD) {
    void it(`rejects ${name}`, async () => {
      await assert.rejects(listUploadFiles(await tree({ 'a.ts': '', '.gcloudignore': gcloudignore })), message);
    });
  }

  void it("does not follow directives inside an included file (gcloud's one level)", async () => {
    const root = await tree({ 'a.ts': '', 'b.ts': '', '.gcloudignore': '#!include:.gitignore\n', '.gitignore': '#!include:.other\na.ts\n', '.other': 'b.ts\n' });
    assert.deepEqual(await listUploadFiles(root), ['.gcloudignore', '.gitignore', '.other', 'b.ts']);
  });
});

void describe("this repository's .gcloudignore", () => {
  void it('uploads the package, its lock, the tsconfigs, functions/ and shared/ (the tracing package with its manifest and build settings), nothing else', async () => {
    const files = await listUploadFiles(path.resolve(__dirname, '..', '..', '..', '..'));
    const top = new Set(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'shared/tracing/package.json', 'shared/tracing/tsconfig.json']);
    const stray = files.filter((f) => !top.has(f) && !/^(functions|shared)\/.+\.ts$/.test(f));
    assert.deepEqual(stray, []);
    for (const needed of [...top, 'functions/index.ts', 'shared/tracing/register.ts']) assert.ok(files.includes(needed), `${needed} is uploaded`);
  });
});

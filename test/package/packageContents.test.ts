/**
 * What `npm pack` ships of the tracing package, read statically: only the build, README and
 * LICENSE; every module the built code loads is a Node builtin, one of its own files, or a
 * package it declares (dependencies, peerDependencies, or optionalDependencies for what it
 * loads only on request and reports clearly when missing); nothing reaches into another
 * package's private build folders (`/build/src/`); every `exports` target is shipped.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { LIBRARY_DIR, packLibrary } from '../../scripts/package/packLibrary';
import type { PackedLibrary } from '../../scripts/package/packLibrary';

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
}

// require('x'), import('x'), `from 'x'` (declarations), and template literals without ${}.
const SPECIFIER = /\b(?:require|import)\s*\(\s*(['"`])([^'"`$]+)\1\s*\)|\bfrom\s+(['"])([^'"]+)\3/g;
// require(NAME) of a string constant of the same file (`const NAME = 'x';`).
const REQUIRED_CONSTANT = /\brequire\s*\(\s*([A-Za-z_$][\w$]*)\s*\)/g;
const CONSTANT = /\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*(['"])([^'"]+)\2\s*;/g;

/** The module specifiers a file's text loads: literals, and string constants of the file. */
function moduleSpecifiers(text: string): string[] {
  const constants = new Map([...text.matchAll(CONSTANT)].map((m) => [m[1]!, m[3]!]));
  const literals = [...text.matchAll(SPECIFIER)].map((m) => m[2] ?? m[4] ?? '');
  const named = [...text.matchAll(REQUIRED_CONSTANT)].flatMap((m) => constants.get(m[1]!) ?? []);
  return [...literals, ...named];
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** An exports target (`./dist/*.js`) as a pattern over packed paths. */
function exportTarget(target: string): RegExp {
  const escape = (part: string): string => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${target.replace(/^\.\//, '').split('*').map(escape).join('[^/]+')}$`);
}

const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '');

void describe('the packed tracing package', () => {
  let packed: PackedLibrary;
  const manifest = JSON.parse(readFileSync(path.join(LIBRARY_DIR, 'package.json'), 'utf8')) as Manifest;
  const declared = new Set([manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies].flatMap((deps) => Object.keys(deps ?? {})));
  const code = (): string[] => packed.files.filter((f) => /\.(js|d\.ts)$/.test(f));

  before(async () => {
    packed = await packLibrary();
  });

  void it('ships only the built code (dist/*.js, dist/*.d.ts), package.json, README.md and LICENSE', () => {
    assert.ok(packed.files.includes('dist/index.js') && packed.files.includes('dist/register.js'), packed.files.join('\n'));
    const stray = packed.files.filter((f) => !/^dist\/[^/]+\.(js|d\.ts)$/.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f));
    assert.deepEqual(stray, []);
  });

  void it('ships every target of its exports map', () => {
    const targets = Object.entries(manifest.exports).flatMap(([key, value]) => (typeof value === 'string' ? [value] : Object.values(value)).map((target) => ({ key, target })));
    for (const { key, target } of targets) {
      assert.ok(packed.files.some((f) => exportTarget(target).test(f)), `exports["${key}"] → ${target} is shipped`);
    }
  });

  void it('loads no private build path of another package (/build/src/)', () => {
    const offending = code().flatMap((file) => moduleSpecifiers(readFileSync(path.join(LIBRARY_DIR, file), 'utf8')).filter((s) => s.includes('/build/src/')).map((s) => `${file}: ${s}`));
    assert.deepEqual(offending, []);
  });

  void it('loads only Node builtins, its own shipped files, and the packages it declares (dependencies, peer or optional)', () => {
    const problems: string[] = [];
    for (const file of code()) {
      for (const specifier of moduleSpecifiers(readFileSync(path.join(LIBRARY_DIR, file), 'utf8'))) {
        if (specifier.startsWith('.')) {
          const target = path.posix.join(path.posix.dirname(file), specifier);
          if (![target, `${target}.js`, `${target}.d.ts`].some((f) => packed.files.includes(f))) problems.push(`${file}: ${specifier} is not shipped`);
        } else if (!isBuiltin(specifier) && !declared.has(packageName(specifier))) {
          problems.push(`${file}: ${specifier} is not in dependencies, peerDependencies or optionalDependencies`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});

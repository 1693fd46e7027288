import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';

export class GcloudIgnoreError extends Error {
  override readonly name = 'GcloudIgnoreError';
}

/** Reads a file next to the ignore file; undefined when it does not exist. */
export type ReadSibling = (name: string) => string | undefined;

const INCLUDE = '!include:';

// What gcloud functions deploy writes (and uses) when a source folder with Git files or
// node_modules has no .gcloudignore (googlecloudsdk command_lib/functions/source_util.py).
const DEFAULT_FUNCTIONS_IGNORE = ['.gcloudignore', '.git', '.gitignore', 'node_modules'];

/**
 * The patterns of a .gcloudignore, as gcloud reads them: `#` lines are comments except
 * `#!include:FILE`, which inserts FILE's patterns at that point (FILE must sit in the
 * same folder; directives inside an included file are not followed); every other line
 * is a gitignore pattern.
 */
export function gcloudIgnorePatterns(text: string, readSibling: ReadSibling, recurse = 1): string[] {
  const patterns: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (!line.startsWith('#')) {
      patterns.push(gitPatternFor(line));
      continue;
    }
    if (!line.slice(1).trimStart().startsWith(INCLUDE)) continue;
    const name = line.slice(line.indexOf(INCLUDE) + INCLUDE.length);
    if (name.includes('/')) throw new GcloudIgnoreError(`"${line}": may only include files in the same directory`);
    if (recurse === 0) continue;
    const included = readSibling(name);
    if (included === undefined) throw new GcloudIgnoreError(`"${line}": ${name} does not exist`);
    patterns.push(...gcloudIgnorePatterns(included, readSibling, recurse - 1));
  }
  return patterns;
}

/**
 * The gitignore pattern (for the `ignore` package) that means what gcloud means by a
 * line. gcloud matches patterns right to left, part by part, so one with a slash inside
 * (`build/out.js`) matches at any depth, where git anchors it to the root; a leading `/`
 * or a `**` part anchors it in both. Everything else means the same in both.
 */
export function gitPatternFor(line: string): string {
  const negated = line.startsWith('!');
  const body = negated ? line.slice(1) : line;
  const core = body.endsWith('/') ? body.slice(0, -1) : body;
  if (core.startsWith('/') || !core.includes('/') || core.split('/').includes('**')) return line;
  return `${negated ? '!' : ''}**/${body}`;
}

/**
 * The rules gcloud functions deploy applies to `--source=dir`: its .gcloudignore; without
 * one, gcloud's default (plus .gitignore) when the folder has Git files or node_modules;
 * else nothing is ignored. Undefined means "upload everything".
 */
export function loadGcloudIgnore(dir: string): Ignore | undefined {
  const readSibling: ReadSibling = (name) => {
    const file = path.join(dir, name);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
  const own = readSibling('.gcloudignore');
  if (own !== undefined) return ignore().add(gcloudIgnorePatterns(own, readSibling));
  if (!['.git', '.gitignore', 'node_modules'].some((name) => existsSync(path.join(dir, name)))) return undefined;
  const defaults = [...DEFAULT_FUNCTIONS_IGNORE, ...(existsSync(path.join(dir, '.gitignore')) ? ['#!include:.gitignore'] : [])];
  return ignore().add(gcloudIgnorePatterns(defaults.join('\n'), readSibling));
}

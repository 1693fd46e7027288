import type { DocPage } from './findDocDrift';

/**
 * Relative links whose file or `#anchor` is gone, and repository paths in backticks
 * (`scripts/bench/cpuBench.ts`) that name no file. Pages link to each other's sections, so
 * a renamed heading or a moved file breaks them silently otherwise. `exists` answers for a
 * repository path (posix, from the root). Pure apart from it.
 */
export function findBrokenLinks(pages: readonly DocPage[], exists: (path: string) => boolean): string[] {
  const byPath = new Map(pages.map((p) => [p.path, p]));
  const problems: string[] = [];
  for (const page of pages) {
    const dir = page.path.includes('/') ? page.path.slice(0, page.path.lastIndexOf('/')) : '';
    const prose = page.text.replace(/^[ \t]*```[\s\S]*?^[ \t]*```/gm, (block) => block.replace(/[^\n]/g, ' '));
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/i.test(link)) continue;
      const [file = '', anchor] = link.split('#');
      const target = file ? normalize(dir, file) : page.path;
      const where = `${page.path}:${lineOf(page.text, m.index!)}`;
      if (!exists(target)) problems.push(`${where}: links to ${link}, but ${target} does not exist`);
      else if (anchor !== undefined && target.endsWith('.md')) {
        const linked = byPath.get(target);
        if (linked && !anchorsOf(linked.text).has(anchor)) problems.push(`${where}: links to ${link}, but ${target} has no heading with that anchor`);
      }
    }
    for (const m of page.text.matchAll(/`((?:functions|shared|scripts|test|docs)\/[\w./-]+\.(?:ts|mts|cts|js|mjs|cjs|md|json))`/g)) {
      if (!exists(m[1]!)) problems.push(`${page.path}:${lineOf(page.text, m.index!)}: names ${m[1]}, which does not exist`);
    }
  }
  return problems;
}

/** GitHub's anchors: the heading in lower case, punctuation dropped, spaces to hyphens. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const prose = markdown.replace(/^[ \t]*```[\s\S]*?^[ \t]*```/gm, '');
  for (const m of prose.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*$/gm)) {
    anchors.add(m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return anchors;
}

function normalize(dir: string, relative: string): string {
  const parts = dir ? dir.split('/') : [];
  for (const part of relative.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

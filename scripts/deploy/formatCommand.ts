import type { Arg, Argv } from './gcloudStep';

// Characters no POSIX shell treats specially in a word.
const SAFE = /^[A-Za-z0-9_/.:=@%+,^-]+$/;

/** One argument as a POSIX shell word; captured values become `$NAME` inside double quotes. */
export function quoteArg(a: Arg): string {
  if (typeof a === 'string') {
    if (SAFE.test(a)) return a;
    return `'${a.replaceAll("'", `'\\''`)}'`;
  }
  const parts = a.parts.map((p, i) => {
    if (typeof p === 'string') return p.replace(/["$`\\]/g, '\\$&');
    // ${NAME} only where the next character would otherwise continue the name.
    const next = a.parts[i + 1];
    return typeof next === 'string' && /^\w/.test(next) ? `\${${p.ref}}` : `$${p.ref}`;
  });
  return `"${parts.join('')}"`;
}

/** The argv as one copy-pasteable shell command line. */
export function formatCommand(argv: Argv): string {
  return argv.map(quoteArg).join(' ');
}

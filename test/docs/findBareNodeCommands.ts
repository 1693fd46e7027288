import type { DocPage } from './findDocDrift';

// `node` as a command: the word, then an argument. Not `node_modules/.bin/node`, not Node.js.
const BARE_NODE = /(?<![\w./-])node(?=[ \t\n]+[-\w./"'$])/;

/**
 * Commands shown with a bare `node` run whatever Node is first on the reader's PATH (the
 * system's may be 20, too old for the Google client libraries); the docs show the project's
 * Node: `npm run ...`, `npx ...` or `node_modules/.bin/node`. Looks at code only (fenced
 * blocks and backtick spans, which may wrap across lines); a quoted package.json script
 * (`"start": "exec node ..."`) is npm's, which puts the project's Node first on PATH.
 */
export function findBareNodeCommands(pages: readonly DocPage[]): string[] {
  const problems: string[] = [];
  for (const page of pages) {
    const lineAt = (index: number) => page.text.slice(0, index).split('\n').length;
    const report = (code: string, index: number) => {
      if (/"[\w:-]+": "/.test(code) || !BARE_NODE.test(code)) return;
      problems.push(`${page.path}:${lineAt(index)}: \`${code.trim().replace(/\s+/g, ' ')}\` runs the system's node; show node_modules/.bin/node, npm run or npx`);
    };
    // Fenced blocks line by line; the prose between them for backtick spans.
    const fence = /^[ \t]*```[^\n]*\n([\s\S]*?)^[ \t]*```[ \t]*$/gm;
    let proseStart = 0;
    const prose = (from: number, to: number) => {
      for (const m of page.text.slice(from, to).matchAll(/`([^`]+)`/g)) report(m[1]!, from + m.index!);
    };
    for (const block of page.text.matchAll(fence)) {
      prose(proseStart, block.index!);
      let offset = block.index! + block[0].indexOf('\n') + 1;
      for (const line of block[1]!.split('\n')) {
        report(line, offset);
        offset += line.length + 1;
      }
      proseStart = block.index! + block[0].length;
    }
    prose(proseStart, page.text.length);
  }
  return problems;
}

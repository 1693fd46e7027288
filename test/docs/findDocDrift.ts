/**
 * Compares what the code accepts and reads with what the doc pages and `--help` texts say.
 * Pure: the facts come in as plain data (see codeFacts.ts for how they are read from the
 * repository), so a unit test can plant a drift and see it reported.
 */

export interface CommandFacts {
  /** How the docs invoke it: `npm start`, `npm run load`, `node_modules/.bin/node dist/scripts/collector/main.js`. */
  readonly invocation: string;
  /** Every flag its parser accepts (`--name`, `-x`). */
  readonly flags: readonly string[];
  /** What `--help` prints. */
  readonly help: string;
  /** Repository paths of the pages that document it. */
  readonly pages: readonly string[];
}

export interface DocPage {
  readonly path: string;
  readonly text: string;
}

export interface DocFacts {
  readonly commands: readonly CommandFacts[];
  readonly pages: readonly DocPage[];
  /** Environment variables the code reads, each with where (file:line). */
  readonly envRead: ReadonlyMap<string, readonly string[]>;
  /**
   * Upper-case names that are not variables this code reads but may be named in the docs:
   * variables read by a dependency (verified against its files), names in the source
   * (constants, warning codes, variables the code sets for a child), gRPC status codes.
   */
  readonly otherNames: ReadonlySet<string>;
}

/** An environment variable's name as the docs write it: upper case with at least one underscore. */
const ENV_NAME = /(?<![\w.-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*(?:_[A-Z0-9]+|_\*)(?![\w-])/g;
const LONG_FLAG = /(?<![\w-])--[a-z][a-z0-9-]*/g;
// A flag on a line that names one of these belongs to that tool, not to a command of ours.
const OTHER_TOOL = /\b(gcloud|npx|npm (ci|install|prune|pack|test)|node --|Node's|NODE_OPTIONS|tsc|functions-framework|java|chromium)\b|node_modules\/\.bin\/node --/;

export function findDocDrift(facts: DocFacts): string[] {
  return [...undocumentedFlags(facts), ...unknownDocFlags(facts), ...undocumentedEnv(facts), ...unknownDocEnv(facts)];
}

function undocumentedFlags(facts: DocFacts): string[] {
  const problems: string[] = [];
  for (const command of facts.commands) {
    const pagesText = facts.pages.filter((p) => command.pages.includes(p.path)).map((p) => p.text).join('\n');
    for (const flag of command.flags) {
      if (!mentions(command.help, flag)) problems.push(`${command.invocation}: ${flag} is accepted but not in its --help`);
      if (flag.startsWith('--') && !mentions(pagesText, flag)) {
        problems.push(`${command.invocation}: ${flag} is accepted but not on its page (${command.pages.join(', ')})`);
      }
    }
  }
  return problems;
}

function unknownDocFlags(facts: DocFacts): string[] {
  const problems: string[] = [];
  for (const page of facts.pages) {
    // A loose flag (a table row, prose) belongs to a command the page documents or runs.
    const context = facts.commands.filter((c) => c.pages.includes(page.path) || invokes(page.text, c, facts.commands));
    for (const { line, number, block } of logicalLines(page.text)) {
      for (const segment of line.split(/`|\||&&|;|\s#\s|→/)) {
        const invoked = invokedCommand(segment, facts.commands);
        const own = invoked ? ownArguments(segment, invoked.invocation) : undefined;
        for (const flag of segment.match(LONG_FLAG) ?? []) {
          const where = `${page.path}:${number}`;
          if (invoked) {
            // Flags before the invocation, or after a second `--` (the command it runs), are not its own.
            if (!own!.includes(flag)) continue;
            if (!invoked.flags.includes(flag)) problems.push(`${where}: ${invoked.invocation} does not accept ${flag}`);
          } else if (!OTHER_TOOL.test(block) && !context.some((c) => c.flags.includes(flag))) {
            const names = context.length > 0 ? context.map((c) => c.invocation).join(', ') : 'no command of this page';
            problems.push(`${where}: ${flag} is accepted by ${context.length > 0 ? `none of ${names}` : names} (another tool's flag? name the tool in the paragraph)`);
          }
        }
      }
    }
  }
  return problems;
}

function undocumentedEnv(facts: DocFacts): string[] {
  const docs = facts.pages.map((p) => p.text).join('\n');
  return [...facts.envRead]
    .filter(([name]) => !mentions(docs, name))
    .map(([name, sites]) => `${name} is read (${sites.slice(0, 3).join(', ')}) but no doc page names it`);
}

function unknownDocEnv(facts: DocFacts): string[] {
  const problems: string[] = [];
  for (const page of facts.pages) {
    for (const { line, number } of logicalLines(page.text)) {
      for (const name of line.match(ENV_NAME) ?? []) {
        if (name.endsWith('_*')) {
          // A family (`OTEL_BSP_*`): some member must be read.
          const prefix = name.slice(0, -1);
          if (![...facts.envRead.keys(), ...facts.otherNames].some((n) => n.startsWith(prefix))) {
            problems.push(`${page.path}:${number}: ${name} is shown, but the code reads no variable starting ${prefix}`);
          }
        } else if (!facts.envRead.has(name) && !facts.otherNames.has(name)) {
          problems.push(`${page.path}:${number}: ${name} is shown, but neither the code nor a dependency reads it`);
        }
      }
    }
  }
  return problems;
}

/**
 * The page's lines, a shell line continued with a trailing backslash joined to the next,
 * each with its block: the paragraph, table, list or code block it stands in.
 */
function logicalLines(text: string): { line: string; number: number; block: string }[] {
  const raw = text.split('\n');
  const out: { line: string; number: number; block: string }[] = [];
  let blockStart = 0;
  const blockOf = (i: number): string => {
    let end = i;
    while (end < raw.length && raw[end]!.trim() !== '') end++;
    return raw.slice(blockStart, end).join('\n');
  };
  let pending: { line: string; number: number } | undefined;
  raw.forEach((rawLine, i) => {
    if (rawLine.trim() === '') blockStart = i + 1;
    const current = pending ? { line: `${pending.line} ${rawLine.trim()}`, number: pending.number } : { line: rawLine, number: i + 1 };
    if (/\\\s*$/.test(rawLine)) pending = { line: current.line.replace(/\\\s*$/, ''), number: current.number };
    else {
      pending = undefined;
      out.push({ ...current, block: blockOf(i) });
    }
  });
  if (pending) out.push({ ...pending, block: pending.line });
  return out;
}

/** The flags of `npm run x -- --a --b -- other --c`: `--a --b`. */
function ownArguments(segment: string, invocation: string): string[] {
  const rest = segment.slice(segment.indexOf(invocation) + invocation.length).replace(/^\s+--(?=\s|$)/, '');
  return rest.split(/\s--(?=\s|$)/)[0]!.match(LONG_FLAG) ?? [];
}

function invokes(text: string, command: CommandFacts, commands: readonly CommandFacts[]): boolean {
  return text.split('\n').some((line) => line.split(/`|\||&&|;/).some((segment) => invokedCommand(segment, commands) === command));
}

function invokedCommand(segment: string, commands: readonly CommandFacts[]): CommandFacts | undefined {
  // The longest match wins: `npm run deploy:rehearse` is not `npm run deploy`.
  return [...commands]
    .sort((a, b) => b.invocation.length - a.invocation.length)
    .find((c) => new RegExp(`${escape(c.invocation)}(?![\\w:/.-])`).test(segment));
}

function mentions(text: string, token: string): boolean {
  return new RegExp(`(?<![\\w-])${escape(token)}(?![\\w-])`).test(text);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

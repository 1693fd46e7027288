import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, readDocFacts } from './codeFacts';
import { findDocDrift } from './findDocDrift';
import { PROJECT_COMMANDS } from './projectCommands';

// The docs describe the code as it is: when you add a flag or read a new environment
// variable, document it on the command's page and in its --help, or this test fails.
test('every flag is in --help and on its page, every variable the code reads is documented, and the docs name nothing the code lacks', () => {
  const facts = readDocFacts();
  for (const command of facts.commands) assert.ok(command.flags.includes('--help'), `${command.invocation}: its parser was not seen through parseFlags`);
  assert.ok(facts.envRead.size > 10, 'the scan found the variables the config readers read');
  const problems = findDocDrift(facts);
  assert.deepEqual(problems, [], `The docs and the code disagree:\n  ${problems.join('\n  ')}`);

  // The same check, with a flag planted in what the real load parser accepts, reports it.
  const planted = facts.commands.map((c) => (c.invocation === 'npm run load' ? { ...c, flags: [...c.flags, '--planted-flag'] } : c));
  assert.deepEqual(
    findDocDrift({ ...facts, commands: planted }).filter((p) => p.includes('--planted-flag')),
    ['npm run load: --planted-flag is accepted but not in its --help', 'npm run load: --planted-flag is accepted but not on its page (docs/load-test-and-benchmarks.md)'],
  );
});

test('every command with flags is known to the docs test', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  // Each `npm run X` that launches a script of ours has an entry (its flags come from its parser).
  for (const [name, line] of Object.entries(pkg.scripts)) {
    const launched = /scripts\/launch\.mjs (\w[\w/]*)/.exec(line)?.[1];
    if (!launched) continue;
    const invocation = name === 'start' ? 'npm start' : `npm run ${name}`;
    assert.ok(
      PROJECT_COMMANDS.some((c) => c.invocation === invocation && c.entry === `scripts/${launched}`),
      `${invocation} (scripts/${launched}.ts) is missing from test/docs/projectCommands.ts`,
    );
  }
  // Every parser goes through parseFlags (which shows the test its flags) and is some command's.
  for (const file of sourceFiles('scripts')) {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    if (file === 'scripts/cli/parseFlags.ts') continue;
    assert.doesNotMatch(text, /\bparseArgs\(/, `${file} calls parseArgs directly: use scripts/cli/parseFlags so the docs test sees its flags`);
    if (/\bparseFlags\(/.test(text)) {
      assert.ok(PROJECT_COMMANDS.some((c) => c.parser === file), `${file} parses flags but no command in test/docs/projectCommands.ts uses it`);
    }
  }
});

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')));
}

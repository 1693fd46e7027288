/**
 * Reads, from the repository itself, what findDocDrift compares: the flags each command's
 * parser accepts (through parseFlags), its `--help`, the environment variables the code
 * reads (from the TypeScript syntax tree of every source file), and the doc pages.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import ts from 'typescript';
import { flagsAccepted } from '../../scripts/cli/parseFlags';
import type { CommandFacts, DocFacts, DocPage } from './findDocDrift';
import { PROJECT_COMMANDS } from './projectCommands';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Where the code lives (tests are not the code a user configures). */
const SOURCE_DIRS = ['functions', 'shared', 'scripts'];
const SOURCE_FILE = /\.(ts|mts|cts|mjs|cjs)$/;

/**
 * Variables the docs may name although no file of ours reads them: a dependency reads
 * them. Each is checked against that package's files, so the exemption cannot go stale.
 */
export const READ_BY_DEPENDENCY: Readonly<Record<string, string>> = {
  GOOGLE_APPLICATION_CREDENTIALS: 'google-auth-library',
  OTEL_RESOURCE_ATTRIBUTES: '@opentelemetry/resources',
  OTEL_BSP_SCHEDULE_DELAY: '@opentelemetry/sdk-trace-base',
  OTEL_BSP_EXPORT_TIMEOUT: '@opentelemetry/sdk-trace-base',
  NODE_ENV: 'express',
};

export function readDocFacts(root: string = REPO_ROOT): DocFacts {
  const read = (file: string) => ({ file, text: readFileSync(path.join(root, file), 'utf8') });
  const { envRead, codeNames } = scanSources(listFiles(root, SOURCE_DIRS, SOURCE_FILE).map(read));
  // The docs may name a test's constants (not its variables: a test sets those for the code).
  const testNames = declaredNames(listFiles(root, ['test'], /\.ts$/).map(read));
  const otherNames = new Set<string>([...codeNames, ...testNames, ...Object.keys(grpc.status).filter((k) => Number.isNaN(Number(k)))]);
  for (const [name, pkg] of Object.entries(READ_BY_DEPENDENCY)) {
    if (packageMentions(root, pkg, name)) otherNames.add(name);
  }
  for (const name of envRead.keys()) otherNames.delete(name);
  return { commands: readCommands(), pages: readDocPages(root), envRead, otherNames };
}

export function readCommands(): CommandFacts[] {
  return PROJECT_COMMANDS.map((command) => ({ invocation: command.invocation, flags: flagsAccepted(command.parse), help: command.help, pages: command.pages }));
}

/** README.md, docs/*.md and the README of any folder of the code. */
export function readDocPages(root: string = REPO_ROOT): DocPage[] {
  const files = ['README.md', ...listFiles(root, ['docs'], /\.md$/), ...listFiles(root, SOURCE_DIRS, /(^|\/)README\.md$/)];
  return files.filter((f) => existsSync(path.join(root, f))).map((p) => ({ path: p, text: readFileSync(path.join(root, p), 'utf8') }));
}

function declaredNames(sources: readonly { file: string; text: string }[]): Set<string> {
  const names = new Set<string>();
  for (const { file, text } of sources) {
    const visit = (node: ts.Node) => {
      if ((ts.isVariableDeclaration(node) || ts.isEnumMember(node)) && ts.isIdentifier(node.name) && /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(node.name.text)) {
        names.add(node.name.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  }
  return names;
}

/**
 * An environment variable is read where the code takes `NAME` from an object called `env`
 * or `process.env` (`env.NAME`, `env['NAME']`), or names it in a string inside a function
 * that has an `env` parameter (`nonEmpty(env, 'NAME')`). Every other upper-case identifier
 * or string of the source is a code name (a constant, a warning code, a variable set for a child).
 */
export function scanSources(sources: readonly { file: string; text: string }[]): { envRead: Map<string, string[]>; codeNames: Set<string> } {
  const envRead = new Map<string, string[]>();
  const codeNames = new Set<string>();
  const upper = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
  for (const { file, text } of sources) {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, /\.(mjs|cjs)$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
    const read = (name: string, node: ts.Node) => {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      envRead.set(name, [...(envRead.get(name) ?? []), `${file}:${line}`]);
    };
    const visit = (node: ts.Node, envInScope: boolean) => {
      let inScope = envInScope;
      if (ts.isFunctionLike(node) && node.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === 'env')) inScope = true;
      if (ts.isPropertyAccessExpression(node) && isEnvObject(node.expression) && upper.test(node.name.text) && !isAssigned(node)) {
        read(node.name.text, node);
      } else if (ts.isElementAccessExpression(node) && isEnvObject(node.expression) && ts.isStringLiteralLike(node.argumentExpression)) {
        if (!isAssigned(node)) read(node.argumentExpression.text, node);
      } else if (ts.isStringLiteralLike(node) && upper.test(node.text) && node.text.includes('_')) {
        if (inScope && !ts.isPropertyAssignment(node.parent)) read(node.text, node);
        else codeNames.add(node.text);
      } else if (ts.isIdentifier(node) && upper.test(node.text) && node.text.includes('_')) {
        codeNames.add(node.text);
      }
      ts.forEachChild(node, (child) => visit(child, inScope));
    };
    visit(source, false);
  }
  return { envRead, codeNames };
}

function isEnvObject(node: ts.Expression): boolean {
  const text = node.getText();
  return text === 'env' || text === 'process.env' || text.endsWith('.env');
}

function isAssigned(node: ts.Node): boolean {
  const parent = node.parent;
  return ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** Whether one of the package's JavaScript files contains `name`. */
function packageMentions(root: string, pkg: string, name: string): boolean {
  const require = createRequire(path.join(root, 'package.json'));
  let dir: string;
  try {
    // Nested installs (express under functions-framework) are found through the package that brings them.
    dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root, path.join(root, 'node_modules', '@google-cloud', 'functions-framework')] }));
  } catch {
    return false;
  }
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') stack.push(full);
      else if (entry.isFile() && /\.(c|m)?js$/.test(entry.name) && readFileSync(full, 'utf8').includes(name)) return true;
    }
  }
  return false;
}

function listFiles(root: string, dirs: readonly string[], pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const full = path.join(root, rel);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      if (['node_modules', 'dist'].includes(path.basename(rel))) return;
      for (const name of readdirSync(full).sort()) walk(path.posix.join(rel, name));
    } else if (pattern.test(rel)) out.push(rel);
  };
  dirs.forEach(walk);
  return out;
}

// The front door of every `npm run` script: build only what changed, then run the
// compiled script in this same process. Plain JavaScript, because it runs before any build.
//
//   node scripts/launch.mjs <script> [args]   build if needed, then run dist/scripts/<script>.js
//   node scripts/launch.mjs --build           build only (npm test, npm run build)
//
// `tsc --build` follows tsconfig.json's references: the tracing package (shared/tracing,
// its own project) is built first, into shared/tracing/dist, which its exports point at.
//
// Why not `tsc -p && node dist/...`: `tsc -p` re-checks every file (~9-13 s here) even when
// nothing changed; `tsc --build` compares timestamps and is done in about a second. A
// `--help` that can be answered from an existing build never waits for one.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/launch.mjs <script> [args] | --build');
  process.exit(2);
}

const entry = path.join(root, 'dist', 'scripts', `${name}.js`);
const wantsHelp = args.includes('--help') || args.includes('-h');
if (name === '--build' || !(wantsHelp && existsSync(entry))) build();
if (name === '--build') process.exit(0);
if (!existsSync(entry)) {
  console.error(`No script named "${name}" (looked for ${path.relative(root, entry)}).`);
  process.exit(2);
}
// The script reads process.argv.slice(2) as its own arguments.
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);

function build() {
  if (!existsSync(path.join(root, 'dist', '.tsbuildinfo'))) {
    console.log('Building the TypeScript sources into dist/ (first time: about 30 s; later runs rebuild only what changed)…');
  }
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '--build', path.join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`The build failed (tsc exit ${result.status ?? result.signal}); fix the errors above and run again.`);
    process.exit(1);
  }
  // The tracing library builds into its own package (shared/tracing/dist); a copy compiled
  // into dist/shared/tracing by an older layout would be a second instance of its state.
  rmSync(path.join(root, 'dist', 'shared', 'tracing'), { recursive: true, force: true });
  pruneOrphans(path.join(root, 'dist'));
}

// tsc never deletes output whose source is gone: after a source file is moved or removed,
// its old compiled test would still match `npm test`'s glob and run. Drop such files.
function pruneOrphans(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pruneOrphans(full);
    else if (/\.js(\.map)?$/.test(entry.name)) {
      const source = path.join(root, path.relative(path.join(root, 'dist'), full)).replace(/\.js(\.map)?$/, '');
      if (!['.ts', '.mts', '.cts', '.js', '.mjs'].some((ext) => existsSync(source + ext)) && !existsSync(source)) rmSync(full);
    }
  }
}

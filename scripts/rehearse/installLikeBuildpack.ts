import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from './runCommand';

export interface InstallOptions {
  /** Per npm command. */
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  /** The Node.js that runs npm and the build (Node 22, as the nodejs22 runtime). */
  readonly nodePath?: string;
}

// Dev-only packages that must be gone after pruning: the Node 22 binary from npm (only
// local tooling needs it; the runtime brings its own) and the compiler.
export const MUST_BE_PRUNED = ['node', 'typescript'] as const;

/**
 * Installs an upload as Google's Node.js buildpack does when package.json has a
 * `gcp-build` script (GoogleCloudPlatform/buildpacks cmd/nodejs/npm): `npm ci` with
 * NODE_ENV=development (devDependencies in), `npm run gcp-build`, then `npm prune` with
 * NODE_ENV=production (devDependencies out). `--prefer-offline` lets npm's cache make
 * it fast; the registry is still asked for anything the cache lacks.
 */
export async function installLikeBuildpack(dir: string, options: InstallOptions): Promise<void> {
  const env = npmEnv(process.env, options.nodePath ?? process.execPath);
  const quiet = ['--prefer-offline', '--no-audit', '--no-fund'];
  const npm = async (args: string[], nodeEnv: string): Promise<void> => {
    options.log(`$ NODE_ENV=${nodeEnv} npm ${args.join(' ')}`);
    await runCommand({ command: 'npm', args, cwd: dir, env: { ...env, NODE_ENV: nodeEnv }, timeoutMs: options.timeoutMs, log: options.log });
  };
  await npm(['ci', ...quiet], 'development');
  await npm(['run', 'gcp-build'], 'production');
  await npm(['prune', '--omit=dev', ...quiet], 'production');
  const left = MUST_BE_PRUNED.filter((name) => existsSync(path.join(dir, 'node_modules', name)));
  if (left.length > 0) throw new Error(`dev-only packages survived npm prune: ${left.join(', ')}`);
}

/**
 * The environment npm runs in: ours, minus what `npm run` adds about this repository
 * (`npm_package_*`, `npm_lifecycle_*`, `npm_config_local_prefix`, ...: the nested npm
 * would take this repository for the project), keeping other `npm_config_*` settings
 * (a registry mirror or cache set in CI's environment), with the Node that runs this
 * script first on PATH so npm and the build run on Node 22.
 */
export function npmEnv(base: NodeJS.ProcessEnv, nodePath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    const name = key.toLowerCase();
    const aboutThisRun = name === 'init_cwd' || name === 'npm_config_local_prefix' || (name.startsWith('npm_') && !name.startsWith('npm_config_'));
    if (!aboutThisRun) env[key] = value;
  }
  env.PATH = [path.dirname(nodePath), base.PATH ?? ''].filter(Boolean).join(path.delimiter);
  return env;
}

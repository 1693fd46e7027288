import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { npmEnv } from '../rehearse/installLikeBuildpack';
import { runCommand } from '../rehearse/runCommand';

/**
 * A fresh project in `dir` as a stranger makes one: a package.json naming only
 * `dependencies` (e.g. the packed tarball as `file:...`, functions-framework), then one
 * `npm install`, from npm's cache where it can (`--prefer-offline`), on this Node.
 */
export async function installProject(dir: string, dependencies: Readonly<Record<string, string>>, log: (line: string) => void, timeoutMs = 120_000): Promise<void> {
  const manifest = { name: path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, '-'), version: '1.0.0', private: true, dependencies };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await runCommand({
    command: 'npm',
    args: ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    cwd: dir,
    env: npmEnv(process.env, process.execPath),
    timeoutMs,
    log,
  });
}

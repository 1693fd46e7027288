import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface NodeModulesSize {
  /** Sum of the regular files' sizes (symlinks such as .bin entries count nothing). */
  readonly bytes: number;
  /** Installed packages, nested copies included. */
  readonly packages: number;
  /** Top-level package names (`@scope/name` for scoped ones), sorted. */
  readonly topLevel: readonly string[];
}

/** Size and package count of an installed node_modules folder. */
export async function measureNodeModules(nodeModules: string): Promise<NodeModulesSize> {
  const topLevel = await packageDirs(nodeModules);
  let packages = 0;
  const countIn = async (dir: string): Promise<void> => {
    for (const pkg of await packageDirs(dir)) {
      packages++;
      await countIn(path.join(dir, pkg, 'node_modules'));
    }
  };
  await countIn(nodeModules);
  return { bytes: await bytesUnder(nodeModules), packages, topLevel: topLevel.sort() };
}

/** Package folders directly in a node_modules folder: `name` and `@scope/name`. */
async function packageDirs(nodeModules: string): Promise<string[]> {
  const names = await readdir(nodeModules).catch(() => [] as string[]);
  const out: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const inner of await readdir(path.join(nodeModules, name)).catch(() => [] as string[])) out.push(`${name}/${inner}`);
    } else {
      out.push(name);
    }
  }
  return out;
}

async function bytesUnder(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) bytes += await bytesUnder(full);
    else if (entry.isFile()) bytes += (await lstat(full)).size;
  }
  return bytes;
}

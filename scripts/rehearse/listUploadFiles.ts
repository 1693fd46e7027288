import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { GcloudIgnoreError, loadGcloudIgnore } from './gcloudIgnoreRules';

/**
 * The files `gcloud functions deploy --source=dir` uploads, as sorted paths relative to
 * dir with `/` separators. Walks the folder the way gcloud does (os.walk, following
 * symlinks): a directory the rules ignore is not entered, so nothing inside it can be
 * re-included; a symlink counts as what it points to; a symlink loop is an error.
 */
export async function listUploadFiles(dir: string, rules: Ignore | undefined = loadGcloudIgnore(dir)): Promise<string[]> {
  const files: string[] = [];
  const walk = async (relDir: string, ancestors: readonly string[]): Promise<void> => {
    const entries = await readdir(path.join(dir, relDir), { withFileTypes: true });
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const full = path.join(dir, rel);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        if (!target) throw new GcloudIgnoreError(`${rel} is a broken symlink`);
        isDir = target.isDirectory();
      }
      if (rules?.ignores(isDir ? `${rel}/` : rel)) continue;
      if (!isDir) {
        files.push(rel);
        continue;
      }
      const real = await realpath(full);
      if (ancestors.includes(real)) throw new GcloudIgnoreError(`the symlink ${rel} refers to its own containing directory`);
      await walk(rel, [...ancestors, real]);
    }
  };
  await walk('', [await realpath(dir)]);
  return files.sort();
}

import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** The first executable file named `command` in the PATH directories, as a shell would find it. */
export function findOnPath(command: string, pathVariable: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (pathVariable ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here; look further along PATH.
    }
  }
  return undefined;
}

import Module from 'node:module';
import { pathToFileURL } from 'node:url';

type Watcher = (url: string) => void;

const watchers = new Map<string, Watcher[]>();
let hookInstalled = false;

/**
 * Calls `onResolved` with the URL each time `specifier` is resolved, by `require` or
 * `import` alike, through one `module.registerHooks` resolution hook shared by the whole
 * library (Node 22.15+). Returns false where Node has no registerHooks: nothing is watched.
 */
export function watchResolutions(specifier: string, onResolved: Watcher): boolean {
  if (typeof Module.registerHooks !== 'function') return false;
  const list = watchers.get(specifier) ?? [];
  list.push(onResolved);
  watchers.set(specifier, list);
  if (!hookInstalled) {
    hookInstalled = true;
    Module.registerHooks({
      resolve(requested, context, nextResolve) {
        const resolved = nextResolve(requested, context);
        const watching = watchers.get(requested);
        if (watching) for (const watcher of watching) watcher(resolved.url);
        return resolved;
      },
    });
  }
  return true;
}

/** The URL of the copy of `specifier` this package resolves to, when the process has loaded it already. */
export function loadedModuleUrl(specifier: string): string | undefined {
  try {
    const file = require.resolve(specifier);
    return require.cache[file] ? pathToFileURL(file).href : undefined;
  } catch {
    return undefined; // Not installed.
  }
}

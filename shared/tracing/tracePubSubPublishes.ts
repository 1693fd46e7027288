/* eslint-disable @typescript-eslint/no-require-imports -- Pub/Sub is loaded here only when the function loads it, to patch it before the function gets it */
import Module from 'node:module';
import type { ResolveFnOutput, ResolveHookContext } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PUBSUB, PUBSUB_VERSIONS, patchPubSub } from './pubsubPatch';
import type { Tracing } from './startTracing';
import { UNSUPPORTED_VERSION_WARNING, supportedVersion } from './supportedVersion';
import { NOT_TRACED_WARNING, tracingWarning as warn } from './tracingWarning';

type NextResolve = (specifier: string, context?: Partial<ResolveHookContext>) => ResolveFnOutput;

let installed = false;

/**
 * Messages published through @google-cloud/pubsub carry the active trace context in
 * their attributes (pubsubPatch.ts), in both modes: the one-import entry and
 * `--require …/register` call this, so a traced function's publish needs no
 * `injectTraceContext`. Patches the copy already loaded, if any (a function that loaded
 * Pub/Sub before the tracing package), and every copy loaded later, through one
 * resolution hook (Node's public `module.registerHooks`). Once per process; nothing when
 * tracing is off. Outside PUBSUB_VERSIONS a copy is left as it is, with a warning.
 */
export function tracePubSubPublishes(tracing: Tracing): void {
  if (installed || !tracing.enabled) return;
  installed = true;
  const seen = new Set<string>();
  const patchOnce = (url: string): void => {
    if (seen.has(url)) return;
    seen.add(url);
    patchPubSubAt(url);
  };
  const loaded = loadedPubSub();
  if (loaded) patchOnce(loaded);
  if (typeof Module.registerHooks !== 'function') {
    if (!loaded) warn(NOT_TRACED_WARNING, `patching ${PUBSUB} as it loads needs Node.js 22.15 or later (module.registerHooks); this is ${process.version}. Call injectTraceContext() on published attributes.`);
    return;
  }
  Module.registerHooks({
    resolve(specifier, context, nextResolve: NextResolve) {
      const resolved = nextResolve(specifier, context);
      if (specifier === PUBSUB) patchOnce(resolved.url);
      return resolved;
    },
  });
}

/** The URL of the Pub/Sub this package resolves to, when the process has loaded it already. */
function loadedPubSub(): string | undefined {
  try {
    const file = require.resolve(PUBSUB);
    return require.cache[file] ? pathToFileURL(file).href : undefined;
  } catch {
    return undefined; // Not installed: nothing publishes through it.
  }
}

function patchPubSubAt(url: string): void {
  const manifest = Module.findPackageJSON(url);
  if (!manifest) return;
  const check = supportedVersion(manifest, PUBSUB_VERSIONS);
  if (!check.supported) {
    warn(UNSUPPORTED_VERSION_WARNING, `${check.reason}: left untraced. Call injectTraceContext() on published attributes.`);
    return;
  }
  if (!patchPubSub(require(fileURLToPath(url)))) {
    warn(NOT_TRACED_WARNING, `${PUBSUB} at ${path.dirname(manifest)} has no Topic.prototype.publishMessage to patch: published messages will not carry trace context. Call injectTraceContext() on their attributes.`);
  }
}

/* eslint-disable @typescript-eslint/no-require-imports -- Pub/Sub is loaded here only when the function loads it, to patch it before the function gets it */
import Module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadedModuleUrl, watchResolutions } from './moduleResolutions';
import { PUBSUB, PUBSUB_VERSIONS, patchPubSub } from './pubsubPatch';
import type { Tracing } from './startTracing';
import { UNSUPPORTED_VERSION_WARNING, supportedVersion } from './supportedVersion';
import { NOT_TRACED_WARNING, tracingWarning as warn } from './tracingWarning';

let installed = false;

/**
 * Messages published through @google-cloud/pubsub carry the active trace context in
 * their attributes (pubsubPatch.ts), in both modes: the one-import entry and
 * `--require …/register` call this, so a traced function's publish needs no
 * `injectTraceContext`. Patches the copy already loaded, if any (a function that loaded
 * Pub/Sub before the tracing package), and every copy loaded later, through one
 * resolution hook (moduleResolutions.ts). Once per process; nothing when
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
  const loaded = loadedModuleUrl(PUBSUB);
  if (loaded) patchOnce(loaded);
  if (!watchResolutions(PUBSUB, patchOnce) && !loaded) {
    warn(NOT_TRACED_WARNING, `patching ${PUBSUB} as it loads needs Node.js 22.15 or later (module.registerHooks); this is ${process.version}. Call injectTraceContext() on published attributes.`);
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

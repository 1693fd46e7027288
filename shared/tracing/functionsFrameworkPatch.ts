/**
 * Zero-code tracing of functions-framework: everything that depends on how
 * functions-framework loads a function lives here, gated by the versions it was
 * written for (FUNCTIONS_FRAMEWORK_VERSIONS). Nothing of functions-framework is
 * modified; only its public `http`, `cloudEvent` and `testing.getFunction` are called.
 *
 * A function reaches functions-framework in one of two ways:
 * - Declared, `http(name, fn)` / `cloudEvent(name, fn)`: the function's own import of
 *   '@google-cloud/functions-framework' is resolved to tracedFunctionsFramework (the
 *   one-import mode's `http`/`cloudEvent`), so it registers itself traced.
 * - Exported the legacy way (`exports.fn = (req, res) => ...`, found by `--target`):
 *   functions-framework's loader requires the module by its absolute path, then serves
 *   the function registered under the target if there is one, else the export. When
 *   that require arrives (isFunctionModuleLoad), the module is loaded first here and its
 *   export registered under the target, traced (traceExportedFunction): the loader then
 *   finds that registration. The order (registry before exports) and the require from
 *   inside the package are how 5.x behaves, not a documented contract: hence the range,
 *   and test/shared/tracing/traceUnmodifiedFunctions.test.ts, which fails if a version stops tracing an
 *   exported function.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionTarget } from './functionTarget';

export const FUNCTIONS_FRAMEWORK = '@google-cloud/functions-framework';
/** The versions this file was written for and tested with (5.0.5 here). */
export const FUNCTIONS_FRAMEWORK_VERSIONS = '>=5.0.0 <6.0.0';

/** How an exported function was handled: traced, already declared (so traced by its import), or left alone and why. */
export type ExportOutcome = 'traced' | 'declared' | 'not-a-function' | 'legacy-event-signature';

/** functions-framework's public registration (`http`, `cloudEvent`, `testing.getFunction`), or a traced stand-in for it. */
export interface Registry {
  http(name: string, handler: never): void;
  cloudEvent(name: string, handler: never): void;
  getFunction(name: string): unknown;
}

/**
 * True when functions-framework's own code (a file under `frameworkRoot`) requires a
 * module by absolute path or file URL from outside its package: its loader loading the
 * user's function module. (Its own files require each other by relative paths.)
 */
export function isFunctionModuleLoad(specifier: string, parentUrl: string | undefined, frameworkRoot: string): boolean {
  if (!parentUrl?.startsWith('file:') || !(path.isAbsolute(specifier) || specifier.startsWith('file:'))) return false;
  const inside = (file: string): boolean => file.startsWith(frameworkRoot + path.sep);
  const target = specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier;
  return inside(fileURLToPath(parentUrl)) && !inside(target);
}

/**
 * Registers the function `target` names in `moduleExports` (a dotted path, as
 * functions-framework reads it), traced, with the signature type functions-framework
 * would serve it with. A function the module declared under that name is left as it is
 * (declared functions win in functions-framework, and the import already traced it);
 * a missing export is left for functions-framework to report.
 */
export function traceExportedFunction(moduleExports: unknown, { target, signatureType }: FunctionTarget, registry: Registry): ExportOutcome {
  if (registry.getFunction(target) !== undefined) return 'declared';
  const exported = target.split('.').reduce<unknown>((value, key) => (typeof value === 'object' || typeof value === 'function' ? (value as Record<string, unknown> | null)?.[key] : undefined), moduleExports);
  if (typeof exported !== 'function') return 'not-a-function';
  // Background functions (data, context, callback) are served by a legacy event adapter
  // the public API cannot register; they run untraced (see the warning).
  if (signatureType === 'event') return 'legacy-event-signature';
  if (signatureType === 'cloudevent') registry.cloudEvent(target, exported as never);
  else registry.http(target, exported as never);
  return 'traced';
}

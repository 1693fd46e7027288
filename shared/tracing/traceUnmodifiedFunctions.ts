/* eslint-disable @typescript-eslint/no-require-imports -- modules are loaded here on purpose, at the moment the function first asks for them */
import Module from 'node:module';
import type { ResolveFnOutput, ResolveHookContext } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { functionTarget } from './functionTarget';
import type { FunctionTarget } from './functionTarget';
import { FUNCTIONS_FRAMEWORK, FUNCTIONS_FRAMEWORK_VERSIONS, isFunctionModuleLoad, traceExportedFunction } from './functionsFrameworkPatch';
import type { Tracing } from './startTracing';
import { UNSUPPORTED_VERSION_WARNING, supportedVersion } from './supportedVersion';
import { NOT_TRACED_WARNING, tracingWarning as warn } from './tracingWarning';

type NextResolve = (specifier: string, context?: Partial<ResolveHookContext>) => ResolveFnOutput;

/**
 * Zero-code mode: traces a function that imports nothing of this library. One module
 * resolution hook (Node's public `module.registerHooks`, synchronous, so it sees
 * `require` and `import` alike) watches for two moments:
 * - the function imports '@google-cloud/functions-framework': it gets
 *   tracedFunctionsFramework instead, whose `http`/`cloudEvent` register it traced;
 * - functions-framework's loader requires the function's module: a function exported
 *   the legacy way is registered traced under the target (functionsFrameworkPatch.ts).
 * (Publishes through Pub/Sub are covered in both modes by tracePubSubPublishes.)
 * Each is gated by the versions it was written for; outside them it warns (code
 * GCF_TRACING_UNSUPPORTED_VERSION) and leaves the module as it is. Every other
 * resolution goes straight through. Nothing is installed when tracing is off.
 */
export function traceUnmodifiedFunctions(tracing: Tracing, target: FunctionTarget = functionTarget()): void {
  if (!tracing.enabled) return;
  if (typeof Module.registerHooks !== 'function') {
    warn(NOT_TRACED_WARNING, `zero-code tracing needs Node.js 22.15 or later (module.registerHooks); this is ${process.version}. Import http/cloudEvent from the tracing package instead.`);
    return;
  }
  const framework = frameworkRoot();
  const ownFiles = pathToFileURL(__dirname + path.sep).href;
  let frameworkChecked: boolean | undefined;
  let functionModuleSeen = false;

  const frameworkSupported = (): boolean => {
    if (frameworkChecked === undefined && framework) frameworkChecked = gate(path.join(framework.root, 'package.json'), FUNCTIONS_FRAMEWORK_VERSIONS);
    return frameworkChecked === true;
  };

  Module.registerHooks({
    resolve(specifier, context, nextResolve: NextResolve) {
      if (specifier === FUNCTIONS_FRAMEWORK) {
        const resolved = nextResolve(specifier, context);
        // Our own files get the real one; so does a function that resolves to another copy (its registry is not the one served).
        if (context.parentURL?.startsWith(ownFiles) || resolved.url !== framework?.url || !frameworkSupported()) return resolved;
        return { url: TRACED_FUNCTIONS_FRAMEWORK, format: 'commonjs', shortCircuit: true };
      }
      if (!functionModuleSeen && framework && context.conditions.includes('require') && isFunctionModuleLoad(specifier, context.parentURL, framework.root)) {
        const resolved = nextResolve(specifier, context);
        functionModuleSeen = true;
        if (resolved.format !== 'module' && frameworkSupported()) traceFunctionModule(fileURLToPath(resolved.url), target);
        return resolved;
      }
      return nextResolve(specifier, context);
    },
  });
}

const TRACED_FUNCTIONS_FRAMEWORK = pathToFileURL(path.join(__dirname, 'tracedFunctionsFramework.js')).href;

/** The functions-framework this package's peer dependency resolves to, if installed. */
function frameworkRoot(): { readonly root: string; readonly url: string } | undefined {
  try {
    const main = require.resolve(FUNCTIONS_FRAMEWORK);
    const manifest = Module.findPackageJSON(pathToFileURL(main));
    return manifest ? { root: path.dirname(manifest), url: pathToFileURL(main).href } : undefined;
  } catch {
    return undefined; // Not installed: there is no function to trace, only a process.
  }
}

/** Loads the function's module now (its loader finds it in the cache) and registers a legacy export traced. */
function traceFunctionModule(file: string, target: FunctionTarget): void {
  const moduleExports: unknown = require(file);
  const { getFunction } = require(`${FUNCTIONS_FRAMEWORK}/testing`) as typeof import('@google-cloud/functions-framework/testing');
  // The one-import mode's http/cloudEvent, so the export is wrapped exactly as a declared function is.
  const { cloudEvent, http } = require('./tracedFunctionsFramework') as typeof import('./tracedFunctionsFramework');
  const outcome = traceExportedFunction(moduleExports, target, { http, cloudEvent, getFunction });
  if (outcome === 'legacy-event-signature') {
    warn(NOT_TRACED_WARNING, `${target.target} is a background function (--signature-type=event): zero-code tracing does not trace that signature. Register it with cloudEvent() to trace it.`);
  }
}

function gate(packageJsonPath: string, range: string): boolean {
  const check = supportedVersion(packageJsonPath, range);
  if (!check.supported) warn(UNSUPPORTED_VERSION_WARNING, `${check.reason}: left untraced. Import http/cloudEvent (and injectTraceContext) from the tracing package instead.`);
  return check.supported;
}

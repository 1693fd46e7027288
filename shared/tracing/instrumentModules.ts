/* eslint-disable @typescript-eslint/no-require-imports -- the modules to patch are loaded here, on purpose, once */
import Module from 'node:module';
import { fileURLToPath } from 'node:url';
import { diag } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import { loadedModuleUrl, watchResolutions } from './moduleResolutions';
import { COMPONENT } from './names';

/**
 * The one patch of another library's behaviour that the library keeps: the require hook
 * that `@opentelemetry/instrumentation` leaves in `Module.prototype.require` (and, with
 * require-in-the-middle 8, `process.getBuiltinModule`) is taken out again once the
 * modules the functions need are patched.
 *
 * Why: constructing any instrumentation installs a process-wide require-in-the-middle
 * hook that resolves every later require() a second (and often a third) time to learn
 * whether it is a module to patch. Firestore and Pub/Sub load a few thousand files, so
 * that hook cost about 120 ms of every cold start here (median of 12 runs: 465 ms to
 * load the client libraries plain, 592 ms hooked), more than the SDK itself. The
 * functions need exactly two modules patched: the `@grpc/grpc-js` the Google client
 * libraries share (the lock file holds a single copy; the pipeline tests fail if its spans
 * go missing) and Node's `http`/`https`. The instrumentations are enabled through their
 * public API and those modules required once, so each instrumentation patches them itself
 * (with its own supported-versions check); then `require` is put back.
 *
 * Gated by the versions it was written for: with another `@opentelemetry/instrumentation`
 * the hook is left in place (correct, only slower to start) and a diagnostic says so.
 * test/shared/tracing/instrumentModules.test.ts fails if the restore becomes a no-op.
 *
 * One module can wait for its first require (`later`: the gRPC instrumentation and
 * `@grpc/grpc-js`): a function that never loads it (a hello function) would otherwise pay
 * for grpc-js and instrumentation-grpc at every cold start, about 75 modules and 100 ms of
 * CPU here (docs/performance.md). Unless something already loaded it (an exporter that
 * talks gRPC), neither is loaded here. The hook taken out is kept aside, and until that
 * first `require()`, `Module.prototype.require` carries a trap that only compares the id it
 * is given (it resolves no path, unlike the hook, so the thousands of requires of a client
 * library cost one string comparison each). At the first `require('@grpc/grpc-js')`, from
 * the Google client library that wants it, the trap takes itself out, makes and enables the
 * instrumentation, and loads the module through the kept hook as the caller would have
 * resolved it, so the instrumentation patches it before the caller gets its exports. Every
 * Google client library requires grpc-js by that name from CommonJS; an `import()` of it,
 * which calls no `require`, is caught by the library's resolution hook (moduleResolutions.ts,
 * Node 22.15+). The same test fails if the trap stops patching grpc-js.
 */
export const REQUIRE_HOOK_SUPPORTED_VERSIONS = /^0\.223\.\d+$/;

/** What became of the require hook: taken out, never installed, or left (a version this was not written for). */
export type RequireHookOutcome = 'removed' | 'none-installed' | 'left-unsupported-version';

type RequireFunction = (this: NodeJS.Module, id: string) => unknown;
const moduleProto = (Module as unknown as { prototype: { require: RequireFunction } }).prototype;

/** Instrumentations made and enabled when `module` is first required, not before. */
export interface LaterInstrumentations {
  readonly module: string;
  readonly create: () => InstrumentationBase[];
}

export function instrumentModules(provider: TracerProvider, create: () => InstrumentationBase[], later?: LaterInstrumentations): RequireHookOutcome {
  const originalRequire = moduleProto.require;
  const originalGetBuiltinModule = process.getBuiltinModule;
  const waiting = later !== undefined && loadedModuleUrl(later.module) === undefined ? later : undefined;
  enableAndLoad(provider, [...create(), ...(later && !waiting ? later.create() : [])], require);
  const hook = moduleProto.require;
  if (hook === originalRequire && process.getBuiltinModule === originalGetBuiltinModule) {
    // No hook to take out (or to load through later): those are made and loaded now after all.
    if (waiting) enableAndLoad(provider, waiting.create(), require);
    return 'none-installed';
  }
  const version = instrumentationPackageVersion();
  if (!REQUIRE_HOOK_SUPPORTED_VERSIONS.test(version)) {
    diag.warn(`${COMPONENT}: @opentelemetry/instrumentation ${version} is not a version the require-hook removal was written for; the hook stays (slower cold start)`);
    if (waiting) enableAndLoad(provider, waiting.create(), require);
    return 'left-unsupported-version';
  }
  moduleProto.require = originalRequire;
  process.getBuiltinModule = originalGetBuiltinModule;
  if (waiting) loadOnFirstRequire(provider, waiting, hook);
  return 'removed';
}

/**
 * Enables the instrumentations with `provider` and loads each module they patch with
 * `load`. require-in-the-middle calls the hooks only the first time it sees a module: one
 * required after some earlier instrumentation's hook appeared, and before this, stays unpatched.
 */
function enableAndLoad(provider: TracerProvider, instrumentations: InstrumentationBase[], load: (id: string) => unknown): void {
  registerInstrumentations({ tracerProvider: provider, instrumentations });
  for (const instrumentation of instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions()) {
      load(definition.name);
      if (definition.moduleExports === undefined) {
        diag.warn(`${COMPONENT}: ${definition.name} was not patched by ${instrumentation.instrumentationName} (a version it does not support, or loaded after another instrumentation's hook): its calls will have no spans`);
      }
    }
  }
}

/** The trap described above: the first require of `later.module` goes through `hook`. */
function loadOnFirstRequire(provider: TracerProvider, later: LaterInstrumentations, hook: RequireFunction): void {
  const next = moduleProto.require;
  let fired = false;
  const fire = (load: (id: string) => unknown): void => {
    fired = true;
    // If someone else's hook sits on top of the trap by now, it stays, a pass-through.
    if (moduleProto.require === trap) moduleProto.require = next;
    enableAndLoad(provider, later.create(), load);
  };
  const trap: RequireFunction = function (this: NodeJS.Module, id: string) {
    if (id === later.module && !fired) fire((name) => hook.call(this, name));
    // eslint-disable-next-line prefer-rest-params -- require's arguments, passed on as they came
    return Reflect.apply(next, this, arguments);
  };
  moduleProto.require = trap;
  // A dynamic import() never calls require. Where Node has module.registerHooks (22.15+), a
  // resolution hook sees it, and the module is loaded through the kept hook by its path
  // first; the import then finds it in the module cache, patched.
  watchResolutions(later.module, (url) => {
    if (!fired && url.startsWith('file:')) fire(() => hook.call(module, fileURLToPath(url)));
  });
}

function instrumentationPackageVersion(): string {
  try {
    return (require('@opentelemetry/instrumentation/package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

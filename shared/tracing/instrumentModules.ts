/* eslint-disable @typescript-eslint/no-require-imports -- the modules to patch are loaded here, on purpose, once */
import Module from 'node:module';
import { diag } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
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
 */
export const REQUIRE_HOOK_SUPPORTED_VERSIONS = /^0\.223\.\d+$/;

/** What became of the require hook: taken out, never installed, or left (a version this was not written for). */
export type RequireHookOutcome = 'removed' | 'none-installed' | 'left-unsupported-version';

export function instrumentModules(provider: TracerProvider, create: () => InstrumentationBase[]): RequireHookOutcome {
  const moduleProto = (Module as unknown as { prototype: { require: unknown } }).prototype;
  const originalRequire = moduleProto.require;
  const originalGetBuiltinModule = process.getBuiltinModule;
  const instrumentations = create();
  registerInstrumentations({ tracerProvider: provider, instrumentations });
  // Each instrumentation patches these through its hook, now or (already loaded) at this require.
  // require-in-the-middle calls the hooks only the first time it sees a module: one required
  // after some earlier instrumentation's hook appeared, and before this, stays unpatched.
  for (const instrumentation of instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions()) {
      require(definition.name);
      if (definition.moduleExports === undefined) {
        diag.warn(`${COMPONENT}: ${definition.name} was not patched by ${instrumentation.instrumentationName} (a version it does not support, or loaded after another instrumentation's hook): its calls will have no spans`);
      }
    }
  }
  if (moduleProto.require === originalRequire && process.getBuiltinModule === originalGetBuiltinModule) return 'none-installed';
  const version = instrumentationPackageVersion();
  if (!REQUIRE_HOOK_SUPPORTED_VERSIONS.test(version)) {
    diag.warn(`${COMPONENT}: @opentelemetry/instrumentation ${version} is not a version the require-hook removal was written for; the hook stays (slower cold start)`);
    return 'left-unsupported-version';
  }
  moduleProto.require = originalRequire;
  process.getBuiltinModule = originalGetBuiltinModule;
  return 'removed';
}

function instrumentationPackageVersion(): string {
  try {
    return (require('@opentelemetry/instrumentation/package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

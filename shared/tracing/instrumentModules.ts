/* eslint-disable @typescript-eslint/no-require-imports -- the modules to patch are loaded here, on purpose, once */
import Module from 'node:module';
import type { TracerProvider } from '@opentelemetry/api';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';

/**
 * Applies instrumentations straight to the modules they patch, and leaves no require
 * hook behind.
 *
 * Constructing any OpenTelemetry instrumentation installs a process-wide
 * require-in-the-middle hook that resolves every later require() a second (and often a
 * third) time to learn whether it is a module to patch. Firestore and Pub/Sub load a few
 * thousand files, so that hook cost about 120 ms of every cold start here (median of 12
 * runs: 465 ms to load the client libraries plain, 592 ms hooked), more than the SDK
 * itself. The functions need exactly two patches: the `@grpc/grpc-js` the Google client
 * libraries share (the lock file holds a single copy; the pipeline tests fail if its
 * spans go missing) and Node's `http`/`https`. Both are patched here, before any client
 * library is loaded, as the hook would have done; then `require` is put back.
 */
export function instrumentModules(provider: TracerProvider, create: () => readonly InstrumentationBase[]): void {
  const moduleProto = (Module as unknown as { prototype: { require: unknown } }).prototype;
  const originalRequire = moduleProto.require;
  const originalGetBuiltinModule = process.getBuiltinModule;
  try {
    for (const instrumentation of create()) {
      instrumentation.setTracerProvider(provider);
      for (const definition of instrumentation.getModuleDefinitions()) {
        const moduleExports: unknown = require(definition.name);
        definition.patch?.(moduleExports, packageVersion(definition.name));
      }
    }
  } finally {
    moduleProto.require = originalRequire;
    process.getBuiltinModule = originalGetBuiltinModule;
  }
}

function packageVersion(name: string): string | undefined {
  if (!name.startsWith('@') && !name.includes('/')) return undefined; // a Node core module
  return (require(`${name}/package.json`) as { version?: string }).version;
}

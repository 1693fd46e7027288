/* eslint-disable @typescript-eslint/no-require-imports -- the modules to patch are loaded here, on purpose, once */
import type { TracerProvider } from '@opentelemetry/api';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';

/**
 * Applies instrumentations straight to the modules they patch, instead of through
 * registerInstrumentations().
 *
 * registerInstrumentations() installs a require-in-the-middle hook that resolves every
 * later require() a second (and often third) time to learn whether it is a module to
 * patch. Firestore and Pub/Sub load a few thousand files, so that hook cost about 120 ms
 * of every cold start here (median of 12 runs: 465 ms to load the client libraries
 * plain, 592 ms hooked), more than the SDK itself. The functions need exactly two
 * patches: the one `@grpc/grpc-js` the Google client libraries share (the lock file has
 * a single copy; the pipeline tests fail if its spans go missing) and Node's `http`/`https`.
 * Both are patched here, before any client library is loaded, exactly as the hook would.
 */
export function instrumentModules(provider: TracerProvider, instrumentations: readonly InstrumentationBase[]): void {
  for (const instrumentation of instrumentations) {
    instrumentation.setTracerProvider(provider);
    for (const definition of instrumentation.getModuleDefinitions()) {
      const moduleExports: unknown = require(definition.name);
      definition.patch?.(moduleExports, packageVersion(definition.name));
    }
  }
}

function packageVersion(name: string): string | undefined {
  if (!name.includes('/') && !name.startsWith('@')) return undefined; // a Node core module
  return (require(`${name}/package.json`) as { version?: string }).version;
}

/**
 * Side-effect module: reads the tracing settings and starts tracing, once per process.
 * Imported by both ways in (index.ts, the one-import mode; register.ts, the zero-code
 * mode), each of which must load before anything that loads a Google client library
 * (the gRPC patch must be in place before they build their gRPC clients).
 */
import { warnIfClientLibrariesLoaded } from './clientLibrariesLoaded';
import { shutdownOnSigterm } from './shutdownOnSigterm';
import type { Tracing } from './startTracing';
import { currentTracing, initTracing } from './tracing';
import { loadTracingConfig } from './tracingConfig';

function startOnce(): Tracing {
  // Already started (a test with its own exporter, a script): that one is used.
  const started = currentTracing();
  if (started) return started;
  warnIfClientLibrariesLoaded();
  return initTracing(loadTracingConfig());
}

export const tracing: Tracing = startOnce();
// Both flush modes: whatever is still queued when the instance stops is exported.
shutdownOnSigterm(tracing);

// Packages whose gRPC clients must be built after tracing has patched @grpc/grpc-js.
// google-gax is what every gRPC Google client library builds its clients with.
const CLIENT_LIBRARY = /[\\/]node_modules[\\/](google-gax|@google-cloud[\\/](?!functions-framework|opentelemetry-)[^\\/]+)[\\/]/;

/** The Google client libraries already loaded in this process (from `moduleIds`, require.cache's keys). */
export function clientLibrariesLoaded(moduleIds: Iterable<string> = Object.keys(require.cache)): string[] {
  const found = new Set<string>();
  for (const id of moduleIds) {
    const match = CLIENT_LIBRARY.exec(id);
    if (match) found.add(match[1]!.replace(/\\/g, '/'));
  }
  return [...found].sort();
}

/** The process warning code: `process.on('warning')` and stderr carry it. */
export const LOADED_LATE_WARNING = 'GCF_TRACING_LOADED_LATE';

/**
 * Warns (a process warning, printed on stderr and visible in Cloud Logging) when a Google
 * client library was loaded before tracing started: its gRPC calls will have no spans.
 * A warning, not an error: the function still works and its own spans are still traced.
 */
export function warnIfClientLibrariesLoaded(moduleIds?: Iterable<string>): string[] {
  const loaded = clientLibrariesLoaded(moduleIds);
  if (loaded.length > 0) {
    process.emitWarning(
      `tracing started after ${loaded.join(', ')} was loaded: its gRPC calls will not be traced. Import the tracing entry (shared/tracing) before anything else.`,
      { code: LOADED_LATE_WARNING },
    );
  }
  return loaded;
}

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { StoredSpan } from './storedSpan';
import type { TraceStore } from './traceStore';

/**
 * Reads back a span file the collector wrote (`--file`, one StoredSpan per line) into the
 * store, so a restarted collector still answers for the traces it had. Then rewrites the
 * file with only the spans of the traces the store kept (at most --max-traces), so the
 * file does not grow without bound across restarts. A line that is not a span (a write cut
 * short by a kill) is skipped and counted. Returns how many spans were loaded.
 */
export function loadSpanFile(file: string, store: TraceStore, log: (line: string) => void): number {
  if (!existsSync(file)) return 0;
  const spans: StoredSpan[] = [];
  let skipped = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const span = JSON.parse(line) as StoredSpan;
      if (typeof span.traceId === 'string' && typeof span.spanId === 'string' && typeof span.name === 'string') spans.push(span);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  const added = store.add(spans);
  const kept = added.filter((span) => store.get(span.traceId) !== undefined);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, kept.map((span) => `${JSON.stringify(span)}\n`).join(''));
  renameSync(temporary, file);
  log(`collector: loaded ${kept.length} spans of ${store.size} traces from ${file}${skipped ? ` (${skipped} unreadable lines skipped)` : ''}`);
  return kept.length;
}

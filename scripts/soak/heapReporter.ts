/**
 * Preloaded into each function process by the soak (NODE_OPTIONS=--require), never by
 * the functions themselves: every SOAK_HEAP_SAMPLE_MS it appends one JSON line to
 * SOAK_HEAP_DIR/heap-<pid>.jsonl with process.memoryUsage() and the V8 heap in use right
 * after the latest major (mark-compact) GC. That is the cheap way to read a process's
 * heap from outside: no inspector session, no heap snapshot, no forced GC; one call
 * and one small write per period on an unref'd timer, and one heap reading per major GC.
 *
 * Why the post-GC reading: under steady load the heap in use is a saw-tooth (here it
 * climbs from ~50 to ~200 MB over a minute, then a major GC drops it back), so a line
 * through raw readings mostly measures where the run ended on a tooth. The floor after
 * each major GC is the live set, which is what a leak makes grow.
 *
 * It requires only node: built-ins, so loading it first does not disturb the functions'
 * rule that tracing is set up before Google's clients.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const dir = process.env.SOAK_HEAP_DIR;
const every = Number(process.env.SOAK_HEAP_SAMPLE_MS);

if (dir && Number.isFinite(every) && every > 0) {
  const file = path.join(dir, `heap-${process.pid}.jsonl`);
  let majorGcs = 0;
  let heapAfterMajorGc: number | undefined;
  // Entries arrive just after the GC (asynchronously), so the reading includes the little
  // allocated since; small against the live set, and the same bias in every reading.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (((entry as { detail?: { kind?: number } }).detail)?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      majorGcs++;
      heapAfterMajorGc = process.memoryUsage().heapUsed;
    }
  }).observe({ entryTypes: ['gc'] });

  const write = (): void => {
    try {
      const m = process.memoryUsage();
      appendFileSync(file, `${JSON.stringify({ t: Date.now(), heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss, majorGcs, heapAfterMajorGc })}\n`);
    } catch {
      // A full disk or a removed directory must not take a function down; the soak reports no heap.
    }
  };
  write();
  setInterval(write, every).unref();
}

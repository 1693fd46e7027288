/**
 * Preloaded into each function process by the soak (NODE_OPTIONS=--require), never by
 * the functions themselves: every SOAK_HEAP_SAMPLE_MS it appends one JSON line of
 * process.memoryUsage() to SOAK_HEAP_DIR/heap-<pid>.jsonl. That is the cheap way to read
 * a process's V8 heap from outside (no inspector session, no heap snapshot, no forced
 * GC): one call and one small synchronous write per period, on an unref'd timer so it
 * never keeps the process alive. It requires only node: built-ins, so loading it first
 * does not disturb the functions' rule that tracing is set up before Google's clients.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.SOAK_HEAP_DIR;
const every = Number(process.env.SOAK_HEAP_SAMPLE_MS);

if (dir && Number.isFinite(every) && every > 0) {
  const file = path.join(dir, `heap-${process.pid}.jsonl`);
  const write = (): void => {
    try {
      const m = process.memoryUsage();
      appendFileSync(file, `${JSON.stringify({ t: Date.now(), heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss })}\n`);
    } catch {
      // A full disk or a removed directory must not take a function down; the soak reports no heap.
    }
  };
  write();
  setInterval(write, every).unref();
}

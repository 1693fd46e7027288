import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** One reading of one process, `tMs` after the sampler's `t0`. */
export interface MemorySample {
  readonly tMs: number;
  /** VmRSS from /proc/<pid>/status. */
  readonly rssMB: number;
  /** V8 heap in use, from the process's own heap reporter (undefined when none wrote yet). */
  readonly heapUsedMB: number | undefined;
  /** Major (mark-compact) GCs the process has run so far, from the same reporter. */
  readonly majorGcs: number | undefined;
  /** Heap in use just after the latest major GC: the live set (undefined before the first). */
  readonly heapAfterGcMB: number | undefined;
}

export interface MemorySampler {
  /** Readings so far, per process name. */
  readonly samples: ReadonlyMap<string, readonly MemorySample[]>;
  /** The newest reading per process name. */
  latest(name: string): MemorySample | undefined;
  /** Stops the timer and waits for a reading in progress. Idempotent. */
  stop(): Promise<void>;
}

export interface SamplerOptions {
  /** Process name → pid. */
  readonly pids: Readonly<Record<string, number>>;
  readonly everyMs: number;
  /** Epoch ms the readings' tMs count from. */
  readonly t0: number;
  /** Where heapReporter writes heap-<pid>.jsonl; undefined = RSS only. */
  readonly heapDir: string | undefined;
}

const MB = 1024 * 1024;

/**
 * Reads each process's resident set from /proc every `everyMs` (one small file read, no
 * signal to the process) and the newest line its heap reporter wrote. A process that is
 * gone or unreadable (not Linux) simply yields no reading for that tick.
 */
export function startMemorySampler(options: SamplerOptions): MemorySampler {
  const samples = new Map<string, MemorySample[]>(Object.keys(options.pids).map((name) => [name, []]));
  let inProgress: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    const tMs = Date.now() - options.t0;
    await Promise.all(
      Object.entries(options.pids).map(async ([name, pid]) => {
        const rssKiB = await readVmRssKiB(pid);
        if (rssKiB === undefined) return;
        const heap = options.heapDir ? await readLatestHeapReport(path.join(options.heapDir, `heap-${pid}.jsonl`)) : undefined;
        samples.get(name)!.push({
          tMs,
          rssMB: rssKiB / 1024,
          heapUsedMB: heap === undefined ? undefined : heap.heapUsed / MB,
          majorGcs: heap?.majorGcs,
          heapAfterGcMB: heap?.heapAfterMajorGc === undefined ? undefined : heap.heapAfterMajorGc / MB,
        });
      }),
    );
  };
  const run = (): void => {
    inProgress = inProgress.then(tick, tick);
  };
  run();
  const timer = setInterval(run, options.everyMs);
  let stopped: Promise<void> | undefined;
  return {
    samples,
    latest: (name) => samples.get(name)?.at(-1),
    stop: () => {
      stopped ??= (async () => {
        clearInterval(timer);
        await inProgress.catch(() => undefined);
      })();
      return stopped;
    },
  };
}

/** VmRSS of a process in KiB, from /proc; undefined when it is gone or off Linux. */
export async function readVmRssKiB(pid: number): Promise<number | undefined> {
  try {
    return parseVmRssKiB(await readFile(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function parseVmRssKiB(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** What heapReporter writes per line (bytes). */
export interface HeapReport {
  readonly heapUsed: number;
  readonly majorGcs: number | undefined;
  readonly heapAfterMajorGc: number | undefined;
}

/** The last complete line heapReporter appended; undefined if none yet. */
async function readLatestHeapReport(file: string): Promise<HeapReport | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseLatestHeapReport(text);
}

export function parseLatestHeapReport(jsonl: string): HeapReport | undefined {
  // The last line may be half-written (we read while it appends): take the last one that parses.
  const lines = jsonl.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line) continue;
    try {
      const parsed = JSON.parse(line) as { heapUsed?: unknown; majorGcs?: unknown; heapAfterMajorGc?: unknown };
      if (typeof parsed.heapUsed !== 'number' || !Number.isFinite(parsed.heapUsed)) continue;
      return { heapUsed: parsed.heapUsed, majorGcs: finiteOrUndefined(parsed.majorGcs), heapAfterMajorGc: finiteOrUndefined(parsed.heapAfterMajorGc) };
    } catch {
      // partial line: try the one before
    }
  }
  return undefined;
}

function finiteOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

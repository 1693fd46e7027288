import { createWriteStream, mkdirSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import path from 'node:path';
import { FUNCTION_SOURCES, classifyLogLine } from './classifyLogLine';

export interface LogWindowOptions {
  /** Where every line goes, one file per source: `createOrder.log`, `processOrder.log`, `stack.log`. */
  readonly dir: string;
  /** Prints one line to the terminal. */
  readonly print: (line: string) => void;
  /** How often routine lines are summarised (ms). */
  readonly intervalMs: number;
  /** `true`: every line to the terminal as it comes (the files are still written). */
  readonly raw: boolean;
  readonly now?: () => Date;
}

export interface LogWindow {
  /** Takes one prefixed line, as the stack's `log` dependency. */
  readonly log: (line: string) => void;
  /** The files, by source, for the banner. */
  readonly files: readonly string[];
  /** Prints what is counted so far as one summary line (the timer calls it too). */
  flush(): void;
  /** Last summary, then closes the files. */
  close(): Promise<void>;
}

/**
 * Keeps the stack window readable: a function's routine log lines become one summary line
 * per interval ("createOrder 12 × order accepted"), warnings and errors are shown in full,
 * and every line is kept in a file per source, which the banner names.
 */
export function logWindow(options: LogWindowOptions): LogWindow {
  mkdirSync(options.dir, { recursive: true });
  const streams = new Map<string, WriteStream>();
  const fileOf = (source: string): string => path.join(options.dir, `${FUNCTION_SOURCES.includes(source) ? source : 'stack'}.log`);
  const files = [...FUNCTION_SOURCES, 'stack'].map(fileOf);
  const write = (source: string, line: string): void => {
    const file = fileOf(source);
    let stream = streams.get(file);
    if (!stream) {
      stream = createWriteStream(file, { flags: 'w' });
      streams.set(file, stream);
    }
    stream.write(`${line}\n`);
  };
  // source -> message -> count, in first-seen order.
  let counts = new Map<string, Map<string, number>>();
  const now = options.now ?? (() => new Date());

  const flush = (): void => {
    if (counts.size === 0) return;
    const parts = [...counts].map(([source, byKey]) => `${source} ${[...byKey].map(([key, n]) => `${n} × ${key}`).join(', ')}`);
    counts = new Map();
    options.print(`  ${now().toISOString().slice(11, 19)}  ${parts.join('  ·  ')}`);
  };
  const timer = setInterval(flush, options.intervalMs);
  timer.unref();

  return {
    files,
    log(line) {
      const c = classifyLogLine(line);
      write(c.source, line);
      if (options.raw || c.show === 'full') {
        options.print(line);
      } else if (c.show === 'count') {
        const byKey = counts.get(c.source) ?? new Map<string, number>();
        byKey.set(c.key, (byKey.get(c.key) ?? 0) + 1);
        counts.set(c.source, byKey);
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      flush();
      await Promise.all([...streams.values()].map((s) => new Promise<void>((resolve) => s.end(resolve))));
    },
  };
}

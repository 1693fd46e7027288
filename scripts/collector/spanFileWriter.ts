import { createWriteStream } from 'node:fs';
import type { StoredSpan } from './storedSpan';

export interface SpanFileWriter {
  write(spans: readonly StoredSpan[]): void;
  close(): Promise<void>;
}

/**
 * Appends each span as one JSON line. A write failure is logged once and later
 * spans are dropped from the file only: the collector keeps receiving.
 */
export function openSpanFileWriter(file: string, log: (line: string) => void): SpanFileWriter {
  const stream = createWriteStream(file, { flags: 'a' });
  let failed = false;
  stream.on('error', (error) => {
    if (!failed) log(`collector: cannot write spans to ${file}: ${error.message}`);
    failed = true;
  });
  let closing: Promise<void> | undefined;
  return {
    write(spans) {
      if (failed || closing || spans.length === 0) return;
      stream.write(spans.map((span) => `${JSON.stringify(span)}\n`).join(''));
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (failed || stream.destroyed) {
          resolve();
          return;
        }
        stream.end(() => resolve());
        stream.once('error', () => resolve());
      });
      return closing;
    },
  };
}

export interface ProgressCounts {
  readonly sent: number;
  readonly total: number;
  readonly errors: number;
  readonly elapsedMs: number;
  /** The sending phase's time bound (--duration), when it may end before `total`. */
  readonly maxDurationMs?: number;
}

export interface ProgressReporter {
  update(counts: ProgressCounts): void;
  /** Prints a line now (phase changes) and ends the updating line. */
  line(text: string): void;
  done(): void;
}

/**
 * One line rewritten in place on a terminal; on CI/pipes a plain line at most every
 * `intervalMs`, so logs stay readable.
 */
export function progressReporter(stream: NodeJS.WritableStream & { isTTY?: boolean }, intervalMs?: number): ProgressReporter {
  const tty = stream.isTTY === true;
  const every = intervalMs ?? (tty ? 200 : 5000);
  let last = 0;
  let open = false;
  const format = (c: ProgressCounts): string => {
    const rate = c.elapsedMs > 0 ? (c.sent / c.elapsedMs) * 1000 : 0;
    return `sent ${c.sent}/${c.total}  errors ${c.errors}  ${rate.toFixed(1)} req/s  ${(c.elapsedMs / 1000).toFixed(1)} s${eta(c, rate)}`;
  };
  const endLine = (): void => {
    if (open) stream.write('\n');
    open = false;
  };
  return {
    update(counts) {
      const now = Date.now();
      if (now - last < every && counts.sent < counts.total) return;
      last = now;
      if (tty) {
        stream.write(`\r\x1b[2K${format(counts)}`);
        open = true;
      } else stream.write(`${format(counts)}\n`);
    },
    line(text) {
      endLine();
      stream.write(`${text}\n`);
    },
    done: endLine,
  };
}

/** Time left at the rate so far, or to the --duration bound when that comes first. */
export function eta(c: ProgressCounts, ratePerS: number): string {
  if (c.sent >= c.total) return '';
  const byCount = ratePerS > 0 ? (c.total - c.sent) / ratePerS : Number.POSITIVE_INFINITY;
  const byTime = c.maxDurationMs === undefined ? Number.POSITIVE_INFINITY : Math.max(0, (c.maxDurationMs - c.elapsedMs) / 1000);
  const left = Math.min(byCount, byTime);
  if (!Number.isFinite(left)) return '  ETA –';
  return `  ETA ${left >= 60 ? `${Math.floor(left / 60)} min ${Math.round(left % 60)} s` : `${Math.ceil(left)} s`}`;
}

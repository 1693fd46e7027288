import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import type { Logger } from './structuredLogger';
import { COMPONENT } from './names';

/** What became of the spans handed to the batching processor, since start-up. */
export interface SpanDropCounts {
  /** Spans taken into the queue. */
  readonly accepted: number;
  /** Spans refused because the queue was full. */
  readonly queueDropped: number;
  /** Spans handed to the exporter (they left the queue). */
  readonly sentToExporter: number;
  /** Spans the exporter confirmed. */
  readonly exported: number;
  /** Spans in exports that failed, timed out, or were skipped during an outage. */
  readonly exportDropped: number;
  /** Spans waiting in the queue now, and the most there ever were. */
  readonly queued: number;
  readonly maxQueued: number;
  /** Outage episodes begun so far. */
  readonly episodes: number;
}

interface Episode {
  readonly startedAt: number;
  droppedSpans: number;
  failedExports: number;
}

/**
 * Counts spans the batching processor drops (queue full) and the exporter loses
 * (failed, timed-out or skipped exports), and logs each outage episode twice: one
 * line when spans start being dropped, one when an export succeeds again, with the
 * number lost in between. A dead collector must not print a line per request.
 */
export class SpanDropCounter {
  private acceptedSpans = 0;
  private queueDroppedSpans = 0;
  private sentSpans = 0;
  private exportedSpans = 0;
  private exportDroppedSpans = 0;
  private maxQueuedSpans = 0;
  private episodeCount = 0;
  private episode: Episode | undefined;
  /** True from a failed export until the next successful one (not set by a full queue alone). */
  private exportFailing = false;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get queued(): number {
    return this.acceptedSpans - this.sentSpans;
  }

  /** Whether the last export failed: the exporter then only sends probes. */
  get failing(): boolean {
    return this.exportFailing;
  }

  spanAccepted(): void {
    this.acceptedSpans++;
    if (this.queued > this.maxQueuedSpans) this.maxQueuedSpans = this.queued;
  }

  spanRefused(): void {
    this.queueDroppedSpans++;
    this.dropped(1, 'span queue full: the exporter is not keeping up');
  }

  sentToExporter(spans: number): void {
    this.sentSpans += spans;
  }

  exportSucceeded(spans: number): void {
    this.exportedSpans += spans;
    this.exportFailing = false;
    this.closeEpisode('info', 'trace export recovered', { totalDroppedSpans: this.exportDroppedSpans + this.queueDroppedSpans });
  }

  exportFailed(spans: number, reason: string): void {
    this.exportDroppedSpans += spans;
    this.exportFailing = true;
    this.dropped(spans, reason).failedExports++;
  }

  /** At shutdown: an outage still going on would otherwise never report its count. */
  reportOpenEpisode(): void {
    this.closeEpisode('warn', 'trace export still failing at shutdown', { queuedSpans: this.queued });
  }

  counts(): SpanDropCounts {
    return {
      accepted: this.acceptedSpans,
      queueDropped: this.queueDroppedSpans,
      sentToExporter: this.sentSpans,
      exported: this.exportedSpans,
      exportDropped: this.exportDroppedSpans,
      queued: this.queued,
      maxQueued: this.maxQueuedSpans,
      episodes: this.episodeCount,
    };
  }

  private dropped(spans: number, reason: string): Episode {
    if (this.episode === undefined) {
      this.episode = { startedAt: this.now(), droppedSpans: 0, failedExports: 0 };
      this.episodeCount++;
      this.write('warn', 'trace export failing; spans are dropped until it recovers', { reason });
    }
    this.episode.droppedSpans += spans;
    return this.episode;
  }

  /** Ends the episode under way, if any, with one line carrying what it cost. */
  private closeEpisode(level: 'info' | 'warn', message: string, extra: Record<string, unknown>): void {
    const episode = this.episode;
    if (episode === undefined) return;
    this.episode = undefined;
    this.write(level, message, {
      droppedSpans: episode.droppedSpans,
      failedExports: episode.failedExports,
      outageMs: this.now() - episode.startedAt,
      ...extra,
    });
  }

  private write(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void {
    // Outside any request's context: the line is about the exporter, not the request
    // whose flush happened to notice.
    context.with(ROOT_CONTEXT, () => this.log[level](message, { component: COMPONENT, ...fields }));
  }
}

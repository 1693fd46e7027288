import type { OrderPublisher } from '../orderPublisher';
import type { OrderStore } from '../orderStore';
import { republishPending } from '../orders/republishPending';
import type { RepublishResult } from '../orders/republishPending';
import type { Logger } from 'cloud-functions-otel-tracing';
import type { DeadLetterSource } from './deadLetterSource';
import { drainDeadLetters } from './drainDeadLetters';
import type { DeadLetterOutcome, DrainDeadLettersResult } from './drainDeadLetters';
import { republishStuck } from './republishStuck';
import type { RepublishStuckResult } from './republishStuck';
import type { SweepSettings } from './sweepSettings';

export interface SweepDeps {
  readonly store: OrderStore;
  readonly publisher: OrderPublisher;
  readonly deadLetters: DeadLetterSource;
  readonly log: Logger;
  readonly now: () => Date;
}

/** One line per order or dead letter a pass touched (the CLI prints them). */
export type SweepEvent =
  | { readonly kind: 'unpublished'; readonly orderId: string; readonly outcome: 'republished' | 'recorded' | 'failed' }
  | { readonly kind: 'stuck'; readonly orderId: string; readonly outcome: 'republished' | 'failed' }
  | { readonly kind: 'dead-letter'; readonly messageId: string; readonly outcome: DeadLetterOutcome };

/** A part that could not run at all (its listing or pull failed). */
export interface SweepPartFailure {
  readonly part: 'unpublished' | 'stuck' | 'dead-letters';
  readonly error: string;
}

export interface SweepReport {
  readonly dryRun: boolean;
  readonly unpublished: RepublishResult | undefined;
  readonly stuck: RepublishStuckResult | undefined;
  readonly deadLetters: DrainDeadLettersResult | undefined;
  readonly partFailures: SweepPartFailure[];
  /** True when every part ran and nothing failed or was kept for later. */
  readonly ok: boolean;
}

/**
 * One recovery pass, as Cloud Scheduler triggers it every minute: (a) stored but
 * unpublished orders, (b) published but unprocessed after `stuckAfterMs`, (c) the
 * dead-letter subscription. The parts are independent: one failing (Firestore down for
 * the listings, Pub/Sub for the pull) does not stop the others. Every republish is safe
 * to repeat (processOrder is idempotent), so overlapping passes cost messages, not orders.
 */
export async function sweepOnce(
  deps: SweepDeps,
  settings: SweepSettings,
  options: { readonly dryRun: boolean },
  onEvent: (event: SweepEvent) => void = () => undefined,
): Promise<SweepReport> {
  const partFailures: SweepPartFailure[] = [];
  const attempt = async <T>(part: SweepPartFailure['part'], run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      partFailures.push({ part, error: message });
      deps.log.error(`sweep: ${part} pass failed; the next sweep tries again`, { error });
      return undefined;
    }
  };
  const unpublished = await attempt('unpublished', () =>
    republishPending(deps, { olderThanMs: settings.unpublishedAfterMs, limit: settings.limit, dryRun: options.dryRun }, (orderId, outcome) =>
      onEvent({ kind: 'unpublished', orderId, outcome }),
    ),
  );
  // Dead letters before the stuck pass: a dead-lettered order is republished once, by the
  // drain, and its new publish time keeps the stuck pass off it.
  const deadLetters = await attempt('dead-letters', () =>
    drainDeadLetters(deps, { limit: settings.deadLetterLimit, dryRun: options.dryRun }, (messageId, outcome) =>
      onEvent({ kind: 'dead-letter', messageId, outcome }),
    ),
  );
  const stuck = await attempt('stuck', () =>
    republishStuck(deps, { stuckAfterMs: settings.stuckAfterMs, limit: settings.limit, dryRun: options.dryRun }, (orderId, outcome) =>
      onEvent({ kind: 'stuck', orderId, outcome }),
    ),
  );
  const ok =
    partFailures.length === 0 &&
    (unpublished?.failed.length ?? 0) === 0 &&
    (stuck?.failed.length ?? 0) === 0 &&
    (deadLetters?.kept.length ?? 0) === 0;
  return { dryRun: options.dryRun, unpublished, stuck, deadLetters, partFailures, ok };
}

/** One line for logs and the CLI. */
export function summarizeSweep(report: SweepReport): string {
  const verb = report.dryRun ? 'would republish' : 'republished';
  const parts = [
    report.unpublished ? `unpublished: found ${report.unpublished.found}, ${verb} ${report.unpublished.republished.length}, recorded ${report.unpublished.recordedOnly.length}, failed ${report.unpublished.failed.length}` : 'unpublished: not run',
    report.deadLetters
      ? `dead letters: pulled ${report.deadLetters.pulled}, ${verb} ${report.deadLetters.republished.length}, already processed ${report.deadLetters.alreadyProcessed.length}, superseded ${report.deadLetters.superseded.length}, recorded ${report.deadLetters.recorded.length}, kept ${report.deadLetters.kept.length}`
      : 'dead letters: not run',
    report.stuck ? `stuck: found ${report.stuck.found}, ${verb} ${report.stuck.republished.length}, failed ${report.stuck.failed.length}` : 'stuck: not run',
  ];
  return parts.join('; ');
}

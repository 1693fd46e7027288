import { PubSub } from '@google-cloud/pubsub';
import { PubSubDeadLetterSource } from '../shared/pubsub/pubSubDeadLetterSource';
import type { SweepDeps } from '../shared/recovery/sweepOnce';
import { loadSweepSettings } from '../shared/recovery/sweepSettings';
import type { SweepSettings } from '../shared/recovery/sweepSettings';
import type { Dependencies } from './dependencies';

/** What the sweeper needs beyond the order functions' dependencies. */
export interface SweepDependencies extends Dependencies, SweepDeps {
  readonly sweep: SweepSettings;
}

/**
 * The sweeper's dependencies: the functions' store and publisher, plus the dead-letter
 * subscription. Nothing connects until the first pass (the generated client dials lazily),
 * so instances serving createOrder or processOrder pay nothing for it.
 */
export function createSweepDependencies(deps: Dependencies, env: Readonly<Record<string, string | undefined>> = process.env): SweepDependencies {
  const sweep = loadSweepSettings(env, deps.config.ordersTopic);
  const pubsub = new PubSub({ projectId: deps.config.projectId });
  return { ...deps, sweep, deadLetters: new PubSubDeadLetterSource(pubsub, sweep.deadLetterSubscription, deps.config.dependencyTimeoutMs) };
}

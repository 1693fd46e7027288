import { PubSub } from '@google-cloud/pubsub';

export interface PubSubProvisioning {
  /** `host:port` of the emulator. */
  readonly apiEndpoint: string;
  readonly projectId: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly subscription: string;
  /** Where the emulator pushes each message, e.g. `http://127.0.0.1:8081/`. */
  readonly pushEndpoint: string;
  readonly maxDeliveryAttempts?: number;
  /** The push subscription's retry policy; default Eventarc's (10 s .. 600 s), as deployed; null: none (the emulator's own). */
  readonly retryPolicy?: { readonly minimumBackoffMs: number; readonly maximumBackoffMs: number } | null;
}

/** The pull subscription on the dead-letter topic that the sweeper drains (the deploy's name too). */
export function deadLetterSubscriptionOf(deadLetterTopic: string): string {
  return `${deadLetterTopic}-sub`;
}

const ALREADY_EXISTS = 6;

/**
 * Creates the topic, its dead-letter topic with the sweeper's pull subscription, and
 * the push subscription that plays Eventarc's part (with Eventarc's retry policy), with
 * the real client so the emulator is exercised as in production. Existing resources are kept; an existing subscription is re-pointed
 * at pushEndpoint, since a reused emulator may remember a previous run's port.
 */
export async function provisionPubSub(p: PubSubProvisioning): Promise<void> {
  const pubsub = new PubSub({
    projectId: p.projectId,
    apiEndpoint: p.apiEndpoint,
    emulatorMode: true,
    // Named explicitly so Google auth never looks for credentials to learn it: off GCP
    // that lookup probes a metadata server and warns. The emulator needs no credentials.
    universeDomain: 'googleapis.com',
  });
  try {
    await ignoreAlreadyExists(pubsub.createTopic(p.topic));
    await ignoreAlreadyExists(pubsub.createTopic(p.deadLetterTopic));
    const created = await ignoreAlreadyExists(
      pubsub.createSubscription(p.topic, p.subscription, {
        pushConfig: { pushEndpoint: p.pushEndpoint },
        deadLetterPolicy: {
          deadLetterTopic: `projects/${p.projectId}/topics/${p.deadLetterTopic}`,
          maxDeliveryAttempts: p.maxDeliveryAttempts ?? 5,
        },
        ...(p.retryPolicy === null
          ? {}
          : {
              retryPolicy: {
                minimumBackoff: duration(p.retryPolicy?.minimumBackoffMs ?? 10_000),
                maximumBackoff: duration(p.retryPolicy?.maximumBackoffMs ?? 600_000),
              },
            }),
      }),
    );
    // Dead letters wait here for the sweeper (nothing else consumes the dead-letter topic).
    await ignoreAlreadyExists(pubsub.createSubscription(p.deadLetterTopic, deadLetterSubscriptionOf(p.deadLetterTopic), { ackDeadlineSeconds: 60 }));
    if (!created) await pubsub.subscription(p.subscription).modifyPushConfig({ pushEndpoint: p.pushEndpoint });
  } finally {
    await pubsub.close();
  }
}

/** True when created, false when it already existed; other errors propagate. */
async function ignoreAlreadyExists(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === ALREADY_EXISTS) return false;
    throw err;
  }
}

function duration(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

import type { PubSub } from '@google-cloud/pubsub';
import { v1 } from '@google-cloud/pubsub';
import { DependencyError } from '../errors';
import type { DeadLetter, DeadLetterSource } from '../recovery/deadLetterSource';
import { withDeadline } from '../withDeadline';

type Timestamp = { seconds?: number | string | { toString(): string } | null; nanos?: number | null } | null | undefined;

/**
 * The dead-letter subscription through synchronous Pull (one pass, not a stream): the
 * sweeper runs a minute apart and must finish each pass. The generated client takes the
 * PubSub object's own settings, so PUBSUB_EMULATOR_HOST works as for the publisher.
 */
export class PubSubDeadLetterSource implements DeadLetterSource {
  private client: Promise<v1.SubscriberClient> | undefined;

  constructor(
    private readonly pubsub: PubSub,
    private readonly subscription: string,
    private readonly timeoutMs: number,
  ) {}

  pull(max: number): Promise<DeadLetter[]> {
    return this.call('pull', async (client) => {
      // returnImmediately: an empty subscription answers at once instead of holding the pass.
      const [response] = await client.pull({ subscription: this.name(client), maxMessages: max, returnImmediately: true }, { timeout: this.timeoutMs });
      return (response.receivedMessages ?? []).map((received) => ({
        ackId: received.ackId ?? '',
        messageId: received.message?.messageId ?? '',
        data: Buffer.from(received.message?.data ?? '').toString('base64'),
        attributes: { ...(received.message?.attributes ?? {}) },
        publishTime: isoTime(received.message?.publishTime),
      }));
    });
  }

  ack(ackIds: readonly string[]): Promise<void> {
    return this.call('acknowledge', async (client) => {
      await client.acknowledge({ subscription: this.name(client), ackIds: [...ackIds] }, { timeout: this.timeoutMs });
    });
  }

  nack(ackIds: readonly string[]): Promise<void> {
    return this.call('modifyAckDeadline', async (client) => {
      await client.modifyAckDeadline({ subscription: this.name(client), ackIds: [...ackIds], ackDeadlineSeconds: 0 }, { timeout: this.timeoutMs });
    });
  }

  async close(): Promise<void> {
    if (this.client) await (await this.client).close();
  }

  private name(client: v1.SubscriberClient): string {
    return client.subscriptionPath(this.pubsub.projectId, this.subscription);
  }

  private async call<T>(operation: string, work: (client: v1.SubscriberClient) => Promise<T>): Promise<T> {
    this.client ??= this.pubsub.getClientConfig().then((config) => new v1.SubscriberClient({ ...config }));
    try {
      const client = await this.client;
      return await withDeadline('pubsub', `dead letters ${operation}`, this.timeoutMs, () => work(client));
    } catch (error) {
      if (error instanceof DependencyError) throw error;
      throw new DependencyError('pubsub', `pubsub: dead letters ${operation} failed: ${error instanceof Error ? error.message : String(error)}`, true, { cause: error });
    }
  }
}

function isoTime(time: Timestamp): string | undefined {
  if (!time || time.seconds === undefined || time.seconds === null) return undefined;
  const ms = Number(String(time.seconds)) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

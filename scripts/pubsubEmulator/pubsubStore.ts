import { parseAckId } from './ackIds';
import { durationToMs, timestampFromMs } from './protoTime';
import type { PubsubMessage, PushConfigProto, StoredMessage, SubscriptionProto, TopicProto } from './pubsubTypes';
import { DELETED_TOPIC, parseProjectName, parseSubscriptionName, parseTopicName } from './resourceNames';
import type { BackoffBounds } from './retryDelay';
import { effectiveBackoff } from './retryDelay';
import { alreadyExists, invalidArgument, notFound } from './statusError';
import type { MessageRecord } from './subscriptionQueue';
import { SubscriptionQueue } from './subscriptionQueue';
import { normaliseSubscription, validatePushConfig } from './validateSubscription';
import { validatePublish } from './validatePublish';

export interface SubscriptionEntry {
  proto: SubscriptionProto;
  readonly queue: SubscriptionQueue;
}

/** Told when a subscription appears, changes push config, or goes away. */
export interface StoreListener {
  subscriptionChanged(entry: SubscriptionEntry): void;
  subscriptionDeleted(entry: SubscriptionEntry): void;
}

interface TopicEntry {
  readonly proto: TopicProto;
  readonly subscriptions: Set<string>;
}

/** In-memory topics and subscriptions; every method validates and throws StatusError. */
export class PubSubStore {
  private readonly topics = new Map<string, TopicEntry>();
  private readonly subscriptions = new Map<string, SubscriptionEntry>();
  private nextMessageId = 1;
  private nextSerial = 1;

  constructor(
    private readonly bounds: BackoffBounds,
    private readonly listener: StoreListener,
    private readonly log: (line: string) => void,
  ) {}

  createTopic(request: TopicProto): TopicProto {
    const { name, id } = parseTopicName(request.name, 'topics');
    if (this.topics.has(name)) throw alreadyExists(id);
    const proto: TopicProto = { ...request, name, labels: { ...(request.labels ?? {}) }, state: 'ACTIVE' };
    this.topics.set(name, { proto, subscriptions: new Set() });
    return proto;
  }

  getTopic(name: unknown): TopicProto {
    return this.topic(name).proto;
  }

  listTopics(project: unknown): readonly TopicProto[] {
    return inProject(project, [...this.topics.values()].map((t) => t.proto));
  }

  listTopicSubscriptions(topic: unknown): readonly string[] {
    return [...this.topic(topic).subscriptions].sort();
  }

  deleteTopic(name: unknown): void {
    const entry = this.topic(name);
    this.topics.delete(entry.proto.name);
    // Subscriptions outlive their topic and report it as deleted, like the real service.
    for (const subName of entry.subscriptions) {
      const sub = this.subscriptions.get(subName);
      if (sub) sub.proto = { ...sub.proto, topic: DELETED_TOPIC };
    }
  }

  publish(topicName: unknown, messages: readonly PubsubMessage[] | undefined): readonly string[] {
    const topic = this.topic(topicName);
    return validatePublish(messages).map((message) => this.fanOut(topic, message));
  }

  createSubscription(request: SubscriptionProto): SubscriptionProto {
    const { name, id } = parseSubscriptionName(request.name, 'subscriptions');
    const topicName = parseTopicName(request.topic, 'topic');
    const proto = normaliseSubscription({ ...request, name, topic: topicName.name });
    const topic = this.topics.get(topicName.name);
    if (!topic) throw notFound(topicName.id);
    if (this.subscriptions.has(name)) throw alreadyExists(id);
    const serial = this.nextSerial++;
    const entry: SubscriptionEntry = {
      proto,
      queue: new SubscriptionQueue(serial, {
        backoff: () => this.backoffFor(entry.proto),
        maxDeliveryAttempts: () => entry.proto.deadLetterPolicy?.maxDeliveryAttempts,
        deadLetter: (record) => this.deadLetter(entry.proto, record),
      }),
    };
    this.subscriptions.set(name, entry);
    topic.subscriptions.add(name);
    this.listener.subscriptionChanged(entry);
    return proto;
  }

  getSubscription(name: unknown): SubscriptionProto {
    return this.subscription(name).proto;
  }

  listSubscriptions(project: unknown): readonly SubscriptionProto[] {
    return inProject(project, [...this.subscriptions.values()].map((s) => s.proto));
  }

  deleteSubscription(name: unknown): void {
    const entry = this.subscription(name);
    this.subscriptions.delete(entry.proto.name);
    this.topics.get(entry.proto.topic)?.subscriptions.delete(entry.proto.name);
    entry.queue.close();
    this.listener.subscriptionDeleted(entry);
  }

  modifyPushConfig(name: unknown, pushConfig: PushConfigProto | null | undefined): void {
    const entry = this.subscription(name);
    entry.proto = { ...entry.proto, pushConfig: validatePushConfig(pushConfig) ?? {} };
    this.listener.subscriptionChanged(entry);
  }

  /** The subscription, or NOT_FOUND / INVALID_ARGUMENT as the real service answers. */
  subscription(name: unknown, field = 'subscription'): SubscriptionEntry {
    const parsed = parseSubscriptionName(name, field);
    const entry = this.subscriptions.get(parsed.name);
    if (!entry) throw notFound(parsed.id);
    return entry;
  }

  /** Rejects malformed ack ids and ids of another subscription; stale ones pass (and are then ignored). */
  checkAckIds(entry: SubscriptionEntry, ackIds: readonly string[] | undefined): readonly string[] {
    for (const ackId of ackIds ?? []) {
      if (parseAckId(ackId)?.subscriptionSerial !== entry.queue.serial) {
        throw invalidArgument(`You have passed an invalid ack ID to the service (ack_id=${ackId}).`);
      }
    }
    return ackIds ?? [];
  }

  close(): void {
    for (const entry of this.subscriptions.values()) entry.queue.close();
  }

  private topic(name: unknown): TopicEntry {
    const parsed = parseTopicName(name, 'topic');
    const entry = this.topics.get(parsed.name);
    if (!entry) throw notFound(parsed.id);
    return entry;
  }

  private fanOut(topic: TopicEntry, message: PubsubMessage): string {
    const publishTimeMs = Date.now();
    const stored: StoredMessage = {
      data: message.data ?? Buffer.alloc(0),
      // Copied once, never rewritten: traceparent and googclient_* keys arrive byte-for-byte.
      attributes: { ...(message.attributes ?? {}) },
      messageId: String(this.nextMessageId++),
      publishTime: timestampFromMs(publishTimeMs),
      publishTimeMs,
      orderingKey: message.orderingKey ?? '',
    };
    for (const subName of topic.subscriptions) this.subscriptions.get(subName)?.queue.enqueue(stored);
    return stored.messageId;
  }

  private backoffFor(proto: SubscriptionProto): BackoffBounds | undefined {
    const policy = proto.retryPolicy
      ? { minMs: durationToMs(proto.retryPolicy.minimumBackoff), maxMs: durationToMs(proto.retryPolicy.maximumBackoff) }
      : undefined;
    // Push always backs off (the real service does); pull only with a retry policy.
    if (!policy && !proto.pushConfig?.pushEndpoint) return undefined;
    return effectiveBackoff(policy, this.bounds);
  }

  private deadLetter(proto: SubscriptionProto, record: MessageRecord): boolean {
    const target = proto.deadLetterPolicy?.deadLetterTopic ?? '';
    const topic = this.topics.get(target);
    if (!topic) {
      this.log(`dead-letter topic ${target} of ${proto.name} does not exist; message ${record.message.messageId} stays`);
      return false;
    }
    const { project, id } = parseSubscriptionName(proto.name);
    const source = record.message;
    this.fanOut(topic, {
      data: source.data,
      // The real service adds these; the original attributes are kept as they were.
      attributes: {
        ...source.attributes,
        CloudPubSubDeadLetterSourceDeliveryCount: String(record.deliveries),
        CloudPubSubDeadLetterSourceSubscription: id,
        CloudPubSubDeadLetterSourceSubscriptionProject: project,
        CloudPubSubDeadLetterSourceTopicPublishTime: new Date(source.publishTimeMs).toISOString(),
      },
      orderingKey: source.orderingKey,
    });
    this.log(`message ${source.messageId} of ${proto.name} dead-lettered to ${target} after ${record.deliveries} attempts`);
    return true;
  }
}

/** The resources of `projects/{project}` (validated), sorted by name as the real service lists them. */
function inProject<T extends { readonly name: string }>(project: unknown, protos: T[]): readonly T[] {
  const prefix = `projects/${parseProjectName(project)}/`;
  return protos.filter((p) => p.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

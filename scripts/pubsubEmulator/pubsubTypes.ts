import type { ProtoDuration, ProtoTimestamp } from './protoTime';

// google.pubsub.v1 messages as @grpc/proto-loader hands them to handlers
// (camelCase, longs and enums as strings, absent fields undefined).

export interface PubsubMessage {
  readonly data?: Buffer;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly publishTime?: ProtoTimestamp;
  readonly orderingKey?: string;
}

/** A message as stored: every field filled in once at publish time. */
export interface StoredMessage {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageId: string;
  readonly publishTime: ProtoTimestamp;
  readonly publishTimeMs: number;
  readonly orderingKey: string;
}

export interface TopicProto {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

export interface PushConfigProto {
  readonly pushEndpoint?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly pubsubWrapper?: object | null;
  readonly noWrapper?: { readonly writeMetadata?: boolean } | null;
  readonly oidcToken?: object | null;
  readonly [field: string]: unknown;
}

export interface DeadLetterPolicyProto {
  readonly deadLetterTopic?: string;
  readonly maxDeliveryAttempts?: number;
}

export interface RetryPolicyProto {
  readonly minimumBackoff?: ProtoDuration | null;
  readonly maximumBackoff?: ProtoDuration | null;
}

export interface SubscriptionProto {
  readonly name: string;
  readonly topic: string;
  readonly pushConfig?: PushConfigProto | null;
  readonly ackDeadlineSeconds?: number;
  readonly deadLetterPolicy?: DeadLetterPolicyProto | null;
  readonly retryPolicy?: RetryPolicyProto | null;
  readonly filter?: string;
  readonly [field: string]: unknown;
}

export interface ReceivedMessageProto {
  readonly ackId: string;
  readonly message: PubsubMessage;
  readonly deliveryAttempt: number;
}

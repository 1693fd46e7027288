/** One message pulled from the dead-letter subscription. */
export interface DeadLetter {
  readonly ackId: string;
  readonly messageId: string;
  /** The message data, base64 (as a push delivers it). */
  readonly data: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** When the message was first published (ISO); undefined when the source does not say. */
  readonly publishTime: string | undefined;
}

/** The dead-letter subscription, behind a narrow interface (unit tests pass a fake). Raises DependencyError('pubsub'). */
export interface DeadLetterSource {
  /** Up to `max` messages; an empty list when there are none. */
  pull(max: number): Promise<DeadLetter[]>;
  ack(ackIds: readonly string[]): Promise<void>;
  /** Hands the messages back at once (a later pass sees them again). */
  nack(ackIds: readonly string[]): Promise<void>;
}

// Ack ids name the subscription (by serial), the message and the delivery, so a
// stale or foreign ack id is recognised without any lookup table.
const ACK_ID = /^(\d{1,15})-(\d{1,15})-(\d{1,15})$/;

export interface AckIdParts {
  readonly subscriptionSerial: number;
  readonly seq: number;
  readonly delivery: number;
}

export const formatAckId = (parts: AckIdParts): string => `${parts.subscriptionSerial}-${parts.seq}-${parts.delivery}`;

export function parseAckId(ackId: string): AckIdParts | undefined {
  const match = ACK_ID.exec(ackId);
  if (!match) return undefined;
  return { subscriptionSerial: Number(match[1]), seq: Number(match[2]), delivery: Number(match[3]) };
}

import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';

/** A failure that maps one-to-one onto the gRPC status the real service returns. */
export class StatusError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details);
    this.name = 'StatusError';
  }
}

export const notFound = (resource: string): StatusError =>
  new StatusError(status.NOT_FOUND, `Resource not found (resource=${resource}).`);

export const alreadyExists = (resource: string): StatusError =>
  new StatusError(status.ALREADY_EXISTS, `Resource already exists in the project (resource=${resource}).`);

export const invalidArgument = (details: string): StatusError => new StatusError(status.INVALID_ARGUMENT, details);

/**
 * Turns anything a handler threw into a status; an unexpected error becomes
 * INTERNAL with its message, so a bug shows up at the client instead of a crash.
 */
export function toServiceError(error: unknown): Partial<ServiceError> {
  if (error instanceof StatusError) {
    return { code: error.code, details: error.details, metadata: new Metadata() };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: status.INTERNAL, details: `pubsub emulator internal error: ${message}`, metadata: new Metadata() };
}

/** google.protobuf.Timestamp / Duration as @grpc/proto-loader hands them over (longs as strings). */
export interface ProtoTimestamp {
  readonly seconds: string;
  readonly nanos: number;
}
export interface ProtoDuration {
  readonly seconds?: string | number | null;
  readonly nanos?: number | null;
}

export function timestampFromMs(ms: number): ProtoTimestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** Undefined when the duration is absent, so callers can tell "not set" from zero. */
export function durationToMs(duration: ProtoDuration | null | undefined): number | undefined {
  if (!duration) return undefined;
  const seconds = Number(duration.seconds ?? 0);
  const nanos = Number(duration.nanos ?? 0);
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) return undefined;
  return seconds * 1000 + Math.floor(nanos / 1_000_000);
}

import type { ServiceDefinition } from '@grpc/grpc-js';

const identity = (value: Buffer): Buffer => value;

/**
 * OTLP's gRPC TraceService/Export with raw bytes in and out: the handler decodes, so a
 * malformed request becomes INVALID_ARGUMENT rather than grpc-js's generic
 * deserialisation error (and test fakes need no protobuf at all).
 */
export const rawTraceService: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

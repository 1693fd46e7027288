import { decodeProtobufRequest } from './decodeProtobufRequest';
import { otlpTypes } from './otlpSchema';
import { normalizeExportRequest, type NormalizeResult } from './normalizeExportRequest';

/** The two OTLP encodings; responses go back in the request's own encoding. */
export type OtlpEncoding = 'protobuf' | 'json';

export interface PartialSuccess {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

/** Decodes an ExportTraceServiceRequest body; never throws. */
export function decodeExportRequest(body: Buffer, encoding: OtlpEncoding): NormalizeResult {
  // Protobuf (every gRPC export, most HTTP ones) is read straight into spans: the hot path.
  if (encoding === 'protobuf') return decodeProtobufRequest(body);
  let message: unknown;
  try {
    message = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { ok: false, error: `cannot decode ${encoding} ExportTraceServiceRequest: ${errorText(error)}` };
  }
  return normalizeExportRequest(message);
}

/** ExportTraceServiceResponse; partial_success only when something was rejected. */
export function encodeExportResponse(encoding: OtlpEncoding, partial?: PartialSuccess): Buffer {
  const body = partial && partial.rejectedSpans > 0 ? { partialSuccess: partial } : {};
  if (encoding === 'json') return Buffer.from(JSON.stringify(body));
  return Buffer.from(otlpTypes.exportResponse.encode(otlpTypes.exportResponse.fromObject(body)).finish());
}

/** google.rpc.Status, the body OTLP/HTTP prescribes for failures. */
export function encodeRpcStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(otlpTypes.rpcStatus.encode(otlpTypes.rpcStatus.fromObject({ code, message })).finish());
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

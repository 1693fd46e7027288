import * as grpc from '@grpc/grpc-js';
import { decodeExportRequest, encodeExportResponse } from './exportCodec';
import type { ListeningServer } from './listen';
import { rawTraceService } from './rawTraceService';
import { MAX_BODY_BYTES, type SpanSink } from './spanSink';

/** OTLP/gRPC TraceService on host:port (0 = a free port). */
export function startGrpcReceiver(host: string, port: number, sink: SpanSink): Promise<ListeningServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_BODY_BYTES,
  });
  server.addService(rawTraceService, {
    Export(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      const result = decodeExportRequest(call.request, 'protobuf');
      if (!result.ok) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: result.error });
        return;
      }
      sink(result.spans);
      callback(null, encodeExportResponse('protobuf', { rejectedSpans: result.rejected, errorMessage: result.rejectReason }));
    },
  });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error) {
        server.forceShutdown();
        // grpc-js folds the listen error into its message; give callers Node's code back.
        reject(/EADDRINUSE/.test(error.message) ? Object.assign(new Error(`listen EADDRINUSE: address already in use ${address}`), { code: 'EADDRINUSE' }) : error);
        return;
      }
      let closing: Promise<void> | undefined;
      resolve({
        port: boundPort,
        close() {
          closing ??= new Promise<void>((done) => {
            // Exporters keep channels open; drain briefly, then cut them.
            const timer = setTimeout(() => server.forceShutdown(), 1000);
            timer.unref();
            server.tryShutdown(() => {
              clearTimeout(timer);
              done();
            });
          });
          return closing;
        },
      });
    });
  });
}

import { loadSpanFile } from './loadSpanFile';
import { openSpanFileWriter, type SpanFileWriter } from './spanFileWriter';
import type { SpanSink } from './spanSink';
import { startGrpcReceiver } from './startGrpcReceiver';
import { startHttpReceiver } from './startHttpReceiver';
import { startQueryServer } from './startQueryServer';
import { TraceStore } from './traceStore';

export interface CollectorOptions {
  readonly host?: string; // default '127.0.0.1'
  readonly grpcPort?: number; // OTLP gRPC, default 4317; 0 = free port
  readonly httpPort?: number; // OTLP HTTP, default 4318; 0 = free port
  readonly queryPort?: number; // Jaeger query API + viewer page, default 16686; 0 = free port
  readonly maxTraces?: number; // bounded in-memory store of recent traces, default 10000; oldest evicted
  readonly file?: string; // optional: load the spans a previous run stored there, then append every received span as one JSON line
  readonly log?: (line: string) => void;
}

export interface Collector {
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly queryPort: number; // real bound ports
  close(): Promise<void>; // idempotent
}

/**
 * A local stand-in for an OpenTelemetry Collector feeding Jaeger: OTLP/gRPC and
 * OTLP/HTTP in, Jaeger's query API and a small viewer out, traces kept in memory.
 * If any port cannot be bound, whatever was started is closed and the error
 * (EADDRINUSE, …) is rejected.
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.error(line));
  const store = new TraceStore(options.maxTraces ?? 10_000);
  // A restarted collector (the stack's supervisor, or a new `npm start`) keeps the traces it had.
  if (options.file) loadSpanFile(options.file, store, log);
  const writer: SpanFileWriter | undefined = options.file ? openSpanFileWriter(options.file, log) : undefined;
  const sink: SpanSink = (spans) => {
    const added = store.add(spans);
    writer?.write(added);
  };
  const closers: (() => Promise<void>)[] = [];
  if (writer) closers.push(() => writer.close());
  const closeAll = (): Promise<void> => Promise.all(closers.map((close) => close())).then(() => undefined);
  try {
    const grpc = await startGrpcReceiver(host, options.grpcPort ?? 4317, sink);
    closers.push(() => grpc.close());
    const http = await startHttpReceiver(host, options.httpPort ?? 4318, sink, log);
    closers.push(() => http.close());
    const query = await startQueryServer(host, options.queryPort ?? 16686, store, log);
    closers.push(() => query.close());
    let closing: Promise<void> | undefined;
    return {
      host,
      grpcPort: grpc.port,
      httpPort: http.port,
      queryPort: query.port,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Broken collectors for fault tests, each listening on 127.0.0.1:port. */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { Socket } from 'node:net';
import { Metadata, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { sendUnaryData } from '@grpc/grpc-js';
import { rawTraceService } from '../../scripts/collector/rawTraceService';

export interface FakeCollector {
  /** Requests (or connections, for the hanging one) it has seen. */
  readonly seen: () => number;
  close(): Promise<void>;
}

/** Accepts TCP connections (so HTTP/2 and HTTP clients connect) and never answers a byte. */
export async function listenHanging(port: number): Promise<FakeCollector> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    seen: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** OTLP/HTTP collector that refuses every export: 503 with Retry-After: 1, then 429 with Retry-After: 0, alternately. */
export async function listenRefusingHttp(port: number): Promise<FakeCollector> {
  let requests = 0;
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      const [code, retryAfter] = requests % 2 === 1 ? [503, '1'] : [429, '0'];
      res.writeHead(code, { 'Retry-After': retryAfter, 'Content-Type': 'text/plain' }).end('collector overloaded');
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    seen: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * OTLP/gRPC collector that refuses every export: UNAVAILABLE, then RESOURCE_EXHAUSTED
 * with a retry delay in `grpc-retry-pushback-ms` (the OTLP spec's throttling signal is a
 * RetryInfo detail; the 0.223 gRPC exporter retries neither, so the delay is moot).
 */
export async function listenRefusingGrpc(port: number): Promise<FakeCollector> {
  let requests = 0;
  const server = new Server();
  server.addService(rawTraceService, {
    Export: (_call: unknown, callback: sendUnaryData<Buffer>) => {
      requests++;
      const metadata = new Metadata();
      metadata.set('grpc-retry-pushback-ms', '1000');
      callback(
        requests % 2 === 1
          ? { code: status.UNAVAILABLE, details: 'collector unavailable' }
          : { code: status.RESOURCE_EXHAUSTED, details: 'collector overloaded', metadata },
      );
    },
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
  );
  return {
    seen: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}

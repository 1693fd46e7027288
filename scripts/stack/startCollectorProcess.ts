import path from 'node:path';
import type { Collector, CollectorOptions } from '../collector/startCollector';
import { describeExit, startChild } from './startChild';
import type { ChildExit } from './startChild';

/** A collector in its own process: the Collector contract plus the child's exit. */
export interface CollectorProcess extends Collector {
  readonly pid: number | undefined;
  readonly exited: Promise<ChildExit>;
}

const COLLECTOR_MAIN = path.resolve(__dirname, '..', 'collector', 'main.js');
const READY = /collector ready: otlp-grpc=(\S+):(\d+) otlp-http=http:\/\/\S+:(\d+)\/v1\/traces query\+viewer=http:\/\/\S+:(\d+)\//;
const READY_TIMEOUT_MS = 15_000;

/**
 * Runs the trace collector as its own process, as a real collector runs beside the
 * functions: decoding and storing spans must not share an event loop with the
 * emulators the functions are waiting on, or every traced request's flush would wait
 * behind Firestore emulator work (and the overhead benchmark would measure that).
 * Resolves with the ports it really bound (it announces them on its ready line).
 */
export function startCollectorProcess(options: CollectorOptions = {}): Promise<CollectorProcess> {
  const log = options.log ?? (() => undefined);
  const args = [COLLECTOR_MAIN, '--host', options.host ?? '127.0.0.1'];
  if (options.grpcPort !== undefined) args.push('--grpc-port', String(options.grpcPort));
  if (options.httpPort !== undefined) args.push('--http-port', String(options.httpPort));
  if (options.queryPort !== undefined) args.push('--query-port', String(options.queryPort));
  if (options.maxTraces !== undefined) args.push('--max-traces', String(options.maxTraces));
  if (options.file !== undefined) args.push('--file', options.file);

  return new Promise<CollectorProcess>((resolve, reject) => {
    let ready = false;
    const child = startChild({
      name: 'collector',
      command: process.execPath,
      args,
      env: process.env,
      log: (line) => {
        const match = ready ? null : READY.exec(line);
        if (!match) return log(line.replace(/^\[collector\] /, ''));
        ready = true;
        clearTimeout(timer);
        resolve({
          host: match[1]!,
          grpcPort: Number(match[2]),
          httpPort: Number(match[3]),
          queryPort: Number(match[4]),
          pid: child.pid,
          exited: child.exited,
          close: async () => {
            await child.stop(5000);
          },
        });
      },
    });
    const timer = setTimeout(() => {
      void child.stop(1000);
      reject(new Error(`the collector did not report ready within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    void child.exited.then((exit) => {
      if (ready) return;
      clearTimeout(timer);
      // Exit code 2: a port is in use (its own message, naming the port, was logged above).
      reject(Object.assign(new Error(`the collector ${describeExit(exit)}`), exit.code === 2 ? { code: 'EADDRINUSE' } : {}));
    });
  });
}

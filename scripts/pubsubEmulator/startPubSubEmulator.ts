import { Server, ServerCredentials } from '@grpc/grpc-js';
import { loadPubSubProtos } from './loadPubSubProtos';
import { publisherService } from './publisherService';
import { PubSubStore } from './pubsubStore';
import { PushDelivery } from './pushDelivery';
import { subscriberService } from './subscriberService';
import { MAX_REQUEST_BYTES } from './validatePublish';

export interface PubSubEmulatorOptions {
  readonly host?: string; // default '127.0.0.1'
  readonly port?: number; // default 8085; 0 = any free port
  readonly minBackoffMs?: number; // push redelivery backoff lower bound, default 100 (short locally)
  readonly maxBackoffMs?: number; // upper bound, default 5000
  readonly pushTimeoutMs?: number; // a push not answered by then counts as a failure, default 30000
  readonly log?: (line: string) => void; // progress/diagnostic lines; default: none
}

export interface PubSubEmulator {
  readonly host: string;
  readonly port: number; // the real bound port
  close(): Promise<void>; // stops the gRPC server and all push timers; idempotent
}

/** Thrown when the port is taken, so a front end can say so and exit with its own code. */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    cause: Error,
  ) {
    super(`port ${host}:${port} is already in use`, { cause });
    this.name = 'PortInUseError';
  }
}

const MAX_PUSH_IN_FLIGHT = 100;

function bind(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => {
      if (!error) return resolve(bound);
      reject(/EADDRINUSE/.test(error.message) ? new PortInUseError(host, port, error) : error);
    });
  });
}

/** Starts an in-memory google.pubsub.v1 server the real client can talk to via PUBSUB_EMULATOR_HOST. */
export async function startPubSubEmulator(options: PubSubEmulatorOptions = {}): Promise<PubSubEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((): void => undefined);
  const minMs = Math.max(0, options.minBackoffMs ?? 100);
  const maxMs = Math.max(minMs, options.maxBackoffMs ?? 5000);
  const push = new PushDelivery({ timeoutMs: options.pushTimeoutMs ?? 30_000, maxInFlight: MAX_PUSH_IN_FLIGHT, log });
  const store = new PubSubStore({ minMs, maxMs }, push, log);
  const services = loadPubSubProtos();
  // grpc-js refuses anything over 4 MiB by default, before validatePublish could apply
  // the service's 10 MB rule; leave room for the request's own framing and names.
  const server = new Server({ 'grpc.max_receive_message_length': MAX_REQUEST_BYTES + 1024 * 1024 });
  server.addService(services.publisher, publisherService(store));
  server.addService(services.subscriber, subscriberService(store));
  let port: number;
  try {
    port = await bind(server, host, options.port ?? 8085);
  } catch (error) {
    server.forceShutdown();
    throw error;
  }
  log(`pubsub emulator listening on ${host}:${port}`);
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        push.close();
        // Streaming pulls never end on their own; cancel them rather than wait.
        server.forceShutdown();
        store.close();
        resolve();
      });
      return closing;
    },
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentials } from '@grpc/grpc-js';
import { PubSub } from '@google-cloud/pubsub';
import type { PubSubEmulator, PubSubEmulatorOptions } from '../../../scripts/pubsubEmulator/startPubSubEmulator';
import { startPubSubEmulator } from '../../../scripts/pubsubEmulator/startPubSubEmulator';

export const PROJECT = 'demo-test';

export interface Harness {
  readonly emulator: PubSubEmulator;
  readonly pubsub: PubSub;
  readonly logs: string[];
  close(): Promise<void>;
}

/** An emulator on a free port and the real client pointed at it. */
export async function startHarness(options: PubSubEmulatorOptions = {}): Promise<Harness> {
  const logs: string[] = [];
  const emulator = await startPubSubEmulator({ port: 0, log: (line) => logs.push(line), ...options });
  const pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: `127.0.0.1:${emulator.port}`, emulatorMode: true });
  return {
    emulator,
    pubsub,
    logs,
    close: async () => {
      await pubsub.close();
      await emulator.close();
    },
  };
}

/** Options for the raw gapic v1 clients (Pull, empty publish) against the emulator. */
export const gapicOptions = (emulator: PubSubEmulator) => ({
  projectId: PROJECT,
  servicePath: emulator.host,
  port: emulator.port,
  sslCreds: credentials.createInsecure(),
});


export interface CapturedRequest {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly at: number;
}

export interface CaptureServer {
  readonly url: string;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

/** A local push endpoint answering each request with the next status in `statuses` (the last one repeats). */
export async function startCaptureServer(statuses: readonly number[] = [204]): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
      res.statusCode = statuses[Math.min(requests.length - 1, statuses.length - 1)] ?? 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

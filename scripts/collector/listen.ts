import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on host:port (0 = a free port); close() is idempotent and drops idle keep-alive sockets. */
export function listen(server: Server, host: string, port: number): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      let closing: Promise<void> | undefined;
      resolve({
        port: (server.address() as AddressInfo).port,
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            // In-flight requests get a moment to finish, then their sockets go too.
            const timer = setTimeout(() => server.closeAllConnections(), 1000);
            timer.unref();
          });
          return closing;
        },
      });
    });
  });
}

import net from 'node:net';

export interface DelayProxy {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback that adds `rttMs` of round trip: every chunk waits half of
 * it in each direction, in order. Both sockets set TCP_NODELAY, as a real network path
 * would not add Nagle's delay to gRPC's small frames on top of the latency (FACTS.md:
 * without it an export looks three round trips long).
 */
export function startDelayProxy(upstreamHost: string, upstreamPort: number, rttMs: number): Promise<DelayProxy> {
  const oneWayMs = rttMs / 2;
  const sockets = new Set<net.Socket>();
  // Half-open: one side's end reaches the other only after the delay, behind its data.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host: upstreamHost, port: upstreamPort, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    relay(client, upstream, oneWayMs);
    relay(upstream, client, oneWayMs);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        port: address.port,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          })),
      });
    });
  });
}

/** Forwards `from` → `to`, each chunk (and the end) `delayMs` later, order kept. */
function relay(from: net.Socket, to: net.Socket, delayMs: number): void {
  // Timers of equal duration fire in the order they were set: chunks stay in order.
  from.on('data', (chunk) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on('end', () => {
    setTimeout(() => {
      if (!to.destroyed) to.end();
    }, delayMs);
  });
}

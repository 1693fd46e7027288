import { createServer } from 'node:net';

export interface WantedPort {
  /** The part that will listen there, as a user would name it: "Pub/Sub emulator". */
  readonly part: string;
  readonly port: number;
  /** How to move it: "set --pubsub-port or PUBSUB_EMULATOR_HOST". */
  readonly hint: string;
}

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(readonly busy: readonly WantedPort[]) {
    super(busy.map((w) => `port ${w.port} (${w.part}) is in use; ${w.hint}`).join('\n'));
  }
}

/** True when nothing listens on host:port right now (0 is always free). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => {
      probe.close(() => resolve(true));
    });
  });
}

/**
 * Checks every wanted port before anything starts, so a clash is reported for all
 * parts at once instead of leaving half a stack running.
 */
export async function assertPortsFree(host: string, wanted: readonly WantedPort[]): Promise<void> {
  const free = await Promise.all(wanted.map((w) => isPortFree(host, w.port)));
  const busy = wanted.filter((_, i) => !free[i]);
  if (busy.length > 0) throw new PortInUseError(busy);
}

/** Asks the OS for a free port on host. Someone may take it before we use it; rare on loopback. */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error(`no free port on ${host}`))));
    });
  });
}

import net from 'node:net';

export interface Endpoint {
  /** What listens there, for the message: "createOrder (--target)". */
  readonly what: string;
  /** `http(s)://host:port/...` or `host:port`. */
  readonly address: string;
}

/**
 * The endpoints nothing answers on (TCP connect refused, unresolvable or silent within
 * `timeoutMs`). A command checks before its work, so that a missing stack is one line
 * naming what to start instead of a client library's stack trace minutes later.
 */
export async function findUnreachable(endpoints: readonly Endpoint[], timeoutMs = 1500): Promise<Endpoint[]> {
  const answers = await Promise.all(endpoints.map(async (e) => ((await connects(e.address, timeoutMs)) ? undefined : e)));
  return answers.filter((e): e is Endpoint => e !== undefined);
}

function connects(address: string, timeoutMs: number): Promise<boolean> {
  const { host, port } = hostAndPort(address);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostAndPort(address: string): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

import { connect } from 'node:net';

/** Resolves true when something accepts a TCP connection at host:port within `timeoutMs`. */
export function isListening(hostPortText: string, timeoutMs = 1500): Promise<boolean> {
  const split = hostPortText.lastIndexOf(':');
  const host = hostPortText.slice(0, split).replace(/^\[(.*)\]$/, '$1');
  const port = Number(hostPortText.slice(split + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** One line saying why the sweep cannot run, or undefined when it can (see runSweep). */
export async function missingTarget(
  options: { readonly project: string | undefined; readonly firestore: string | undefined; readonly pubsub: string | undefined },
  hasCredentials: () => Promise<boolean>,
): Promise<string | undefined> {
  for (const [name, host] of [['Firestore', options.firestore], ['Pub/Sub', options.pubsub]] as const) {
    if (host !== undefined && !(await isListening(host))) {
      return `No ${name} emulator answers at ${host}: start the local stack (npm start), point --firestore/--pubsub at yours, or pass --project ID for Google Cloud.`;
    }
  }
  if ((options.firestore === undefined || options.pubsub === undefined) && !(await hasCredentials())) {
    return `No Google Cloud credentials for project ${options.project ?? '?'}: run \`gcloud auth application-default login\` (or set GOOGLE_APPLICATION_CREDENTIALS), then try again.`;
  }
  return undefined;
}

import { findUnreachable } from '../cli/findUnreachable';

/** One line saying why the sweep cannot run, or undefined when it can (see runSweep). */
export async function missingTarget(
  options: { readonly project: string | undefined; readonly firestore: string | undefined; readonly pubsub: string | undefined },
  hasCredentials: () => Promise<boolean>,
): Promise<string | undefined> {
  const emulators = [
    { what: 'Firestore', address: options.firestore },
    { what: 'Pub/Sub', address: options.pubsub },
  ].filter((e): e is { what: string; address: string } => e.address !== undefined);
  const [first] = await findUnreachable(emulators);
  if (first) {
    return `No ${first.what} emulator answers at ${first.address}: start the local stack (npm start), point --firestore/--pubsub at yours, or pass --project ID for Google Cloud.`;
  }
  if ((options.firestore === undefined || options.pubsub === undefined) && !(await hasCredentials())) {
    return `No Google Cloud credentials for project ${options.project ?? '?'}: run \`gcloud auth application-default login\` (or set GOOGLE_APPLICATION_CREDENTIALS), then try again.`;
  }
  return undefined;
}

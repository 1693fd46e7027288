import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { findOnPath } from '../deploy/findOnPath';

/** Where Google's emulators are, or why they cannot be used here. */
export type GoogleEmulatorsLookup =
  | { readonly found: true; readonly gcloud: string; readonly sdkRoot: string }
  | { readonly found: false; readonly reason: string };

/** The gcloud components each emulator needs, under `<sdk root>/platform/`. */
const COMPONENTS = [
  { dir: 'pubsub-emulator', id: 'pubsub-emulator' },
  { dir: 'cloud-firestore-emulator', id: 'cloud-firestore-emulator' },
] as const;

/**
 * Finds gcloud with its Pub/Sub and Firestore emulator components and a Java to run
 * them, by looking at files only: `gcloud components list` or `gcloud info` take a
 * second or more and may try the network. Never throws.
 */
export function findGoogleEmulators(pathVariable: string | undefined = process.env.PATH): GoogleEmulatorsLookup {
  const gcloud = findOnPath('gcloud', pathVariable);
  if (!gcloud) return { found: false, reason: 'gcloud is not on PATH' };
  let sdkRoot: string;
  try {
    // /usr/bin/gcloud is a link to <sdk root>/bin/gcloud on Debian's package.
    sdkRoot = path.resolve(path.dirname(realpathSync(gcloud)), '..');
  } catch (err) {
    return { found: false, reason: `cannot resolve ${gcloud}: ${(err as Error).message}` };
  }
  const missing = COMPONENTS.filter((c) => !existsSync(path.join(sdkRoot, 'platform', c.dir))).map((c) => c.id);
  if (missing.length > 0) {
    return { found: false, reason: `gcloud component${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not installed in ${sdkRoot}` };
  }
  if (!findOnPath('java', pathVariable)) return { found: false, reason: 'java is not on PATH (the emulators run on Java)' };
  return { found: true, gcloud, sdkRoot };
}

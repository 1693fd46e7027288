import type { EmulatorBackend } from './formatBanner';
import type { GoogleEmulatorsLookup } from './findGoogleEmulators';
import type { StackOptions } from './parseStackOptions';

/** Google's emulators when asked for or (auto) installed; the reason goes on the banner. */
export function chooseEmulators(options: StackOptions, find: () => GoogleEmulatorsLookup): EmulatorBackend {
  if (options.emulators === 'bundled') return { backend: 'bundled', why: '--emulators bundled' };
  // Both reused: nothing to start, nothing to look for.
  if (options.pubsubEmulatorHost && options.firestoreEmulatorHost) return { backend: 'bundled', why: 'none started, both reused from *_EMULATOR_HOST' };
  const lookup = find();
  if (lookup.found) return { backend: 'google', why: options.emulators === 'google' ? '--emulators google' : 'gcloud emulators installed' };
  if (options.emulators === 'google') {
    throw new GoogleEmulatorsMissingError(`--emulators google: Google's emulators cannot run here: ${lookup.reason}. Use --emulators bundled (or auto).`);
  }
  return { backend: 'bundled', why: `Google's not available: ${lookup.reason}` };
}

export class GoogleEmulatorsMissingError extends Error {
  override readonly name = 'GoogleEmulatorsMissingError';
}

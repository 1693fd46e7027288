import { readFileSync } from 'node:fs';
import satisfies from 'semver/functions/satisfies';

/** The process warning code of a package the zero-code mode will not patch. */
export const UNSUPPORTED_VERSION_WARNING = 'GCF_TRACING_UNSUPPORTED_VERSION';

export type VersionCheck = { readonly supported: true; readonly version: string } | { readonly supported: false; readonly reason: string };

/**
 * Whether the package whose package.json is at `packageJsonPath` is a version a patch
 * was written for (`range`, npm's semver syntax), as contrib instrumentations declare
 * `supportedVersions`. Outside it the patch is refused with the reason, never applied
 * half-working. Never throws: an unreadable package.json is a reason too.
 */
export function supportedVersion(packageJsonPath: string, range: string): VersionCheck {
  let name = packageJsonPath;
  try {
    const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { name?: unknown; version?: unknown };
    name = typeof manifest.name === 'string' ? manifest.name : name;
    const version = typeof manifest.version === 'string' ? manifest.version : '';
    if (satisfies(version, range, { includePrerelease: true })) return { supported: true, version };
    return { supported: false, reason: `${name} ${version || '(no version)'} is outside the versions zero-code tracing supports (${range})` };
  } catch (error) {
    return { supported: false, reason: `cannot read the version of ${name}: ${(error as Error).message}` };
  }
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { npmEnv } from '../rehearse/installLikeBuildpack';

/** The tracing package's folder (shared/tracing), from dist/scripts/package. */
export const LIBRARY_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'tracing');

export interface PackedLibrary {
  /** The tarball's path (undefined for a dry run). */
  readonly tarball: string | undefined;
  /** Bytes of the .tgz, and of its files unpacked. */
  readonly size: number;
  readonly unpackedSize: number;
  /** Paths inside the package, `/`-separated, sorted. */
  readonly files: readonly string[];
}

/**
 * `npm pack` of the tracing package as it is built now (every caller runs after the build,
 * so its prepack build is skipped): into `destination`, or a dry run that only lists it.
 */
export async function packLibrary(destination?: string): Promise<PackedLibrary> {
  const args = ['pack', '--json', '--ignore-scripts', ...(destination ? ['--pack-destination', destination] : ['--dry-run'])];
  const { stdout } = await promisify(execFile)('npm', args, { cwd: LIBRARY_DIR, env: npmEnv(process.env, process.execPath), timeout: 60_000 });
  const [packed] = JSON.parse(stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  if (!packed) throw new Error(`npm pack printed no package: ${stdout.slice(0, 300)}`);
  return {
    tarball: destination ? path.join(destination, packed.filename) : undefined,
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    files: packed.files.map((f) => f.path).sort(),
  };
}

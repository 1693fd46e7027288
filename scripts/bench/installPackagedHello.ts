import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { installProject } from '../package/installProject';
import { packLibrary } from '../package/packLibrary';

export interface PackagedHello {
  /** The project: its index.js is fixtures/helloOneImport.js. */
  readonly dir: string;
  /** Its own functions-framework's bin. */
  readonly functionsFrameworkMain: string;
  /** `npm pack` figures of the tarball it installed, bytes. */
  readonly packedBytes: number;
  readonly unpackedBytes: number;
  close(): Promise<void>;
}

/**
 * A stranger's hello function in a temporary folder: the packed tracing package and
 * functions-framework installed (one npm install, from the cache where it can), the hello
 * fixture importing `http` from the package.
 */
export async function installPackagedHello(log: (line: string) => void): Promise<PackagedHello> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'packaged-hello-'));
  try {
    const packed = await packLibrary(dir);
    await copyFile(path.join(__dirname, '..', '..', '..', 'scripts', 'bench', 'fixtures', 'helloOneImport.js'), path.join(dir, 'index.js'));
    await installProject(dir, { 'cloud-functions-otel-tracing': `file:${packed.tarball!}`, '@google-cloud/functions-framework': '5.0.5' }, log);
    return {
      dir,
      functionsFrameworkMain: path.join(dir, 'node_modules', '.bin', 'functions-framework'),
      packedBytes: packed.size,
      unpackedBytes: packed.unpackedSize,
      close: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

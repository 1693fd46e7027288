import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface UploadCopy {
  readonly files: number;
  /** Sum of the files' sizes: what gcloud zips and uploads, before compression. */
  readonly bytes: number;
}

/** Copies the listed files (symlinks as the content they point to, as gcloud zips them). */
export async function copyUpload(from: string, files: readonly string[], to: string): Promise<UploadCopy> {
  let bytes = 0;
  for (const rel of files) {
    const target = path.join(to, rel);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(from, rel), target);
    bytes += (await stat(target)).size;
  }
  return { files: files.length, bytes };
}

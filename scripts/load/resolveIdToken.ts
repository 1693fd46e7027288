import { execFile } from 'node:child_process';

export class IdTokenError extends Error {
  override readonly name = 'IdTokenError';
}

/**
 * The identity token for a deployed (https) function: the given one, else
 * `gcloud auth print-identity-token`. A missing gcloud is a clear message, not a crash.
 */
export function resolveIdToken(given: string | undefined, run: typeof execFile = execFile): Promise<string> {
  if (given) return Promise.resolve(given);
  return new Promise((resolve, reject) => {
    run('gcloud', ['auth', 'print-identity-token'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new IdTokenError(
            missing
              ? 'an https:// target needs an identity token, and gcloud is not installed: pass --id-token TOKEN (or set ID_TOKEN)'
              : `gcloud auth print-identity-token failed: ${String(stderr).trim() || err.message}; pass --id-token TOKEN instead`,
          ),
        );
        return;
      }
      const token = String(stdout).trim();
      if (!token) reject(new IdTokenError('gcloud auth print-identity-token printed nothing; pass --id-token TOKEN'));
      else resolve(token);
    });
  });
}

import { request } from 'node:http';

export interface WaitForHttpOptions {
  /** Who should be answering, for the error message: "createOrder". */
  readonly part: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Returns a reason to give up early (e.g. the process died), or undefined. */
  readonly giveUp?: () => string | undefined;
}

export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

/** Resolves once url answers HTTP at all (any status: a 405 proves the server is up). */
export async function waitForHttp(url: string, options: WaitForHttpOptions): Promise<void> {
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + options.timeoutMs;
  const maxAttempts = Math.ceil(options.timeoutMs / intervalMs) + 1;
  let lastError = 'no attempt made';
  for (let attempt = 0; attempt < maxAttempts && Date.now() <= deadline; attempt++) {
    const reason = options.giveUp?.();
    if (reason) throw new NotReadyError(`${options.part} ${reason} before answering at ${url}`);
    const outcome = await probe(url, Math.min(1_000, Math.max(1, deadline - Date.now())));
    if (outcome === true) return;
    lastError = outcome;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new NotReadyError(`${options.part} did not answer at ${url} within ${options.timeoutMs} ms (last error: ${lastError})`);
}

function probe(url: string, timeoutMs: number): Promise<true | string> {
  return new Promise((resolve) => {
    // An empty JSON body: functions-framework's event middleware throws on a request
    // without one (it reads `'context' in req.body`), which would log a stack trace.
    const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false, headers: { 'content-type': 'application/json', 'content-length': 2 } }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.once('error', (err) => resolve(err.message));
    req.end('{}');
  });
}

import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * Runs a benchmark worker (`<name>.js` beside this file) in a fresh Node process and
 * returns what it printed last, a line of JSON: the worker's measurements, taken away
 * from the benchmark's own process.
 */
export function runJsonWorker<T>(name: string, args: readonly string[], options: { readonly timeoutMs: number; readonly env?: NodeJS.ProcessEnv }): Promise<T> {
  const worker = path.join(__dirname, `${name}.js`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [worker, ...args], { timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${name} failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as T);
    });
  });
}
